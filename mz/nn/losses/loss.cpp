// Loss base (Keras 3's weighting and reduction), the name and config tables of every loss
// (get_loss, loss_from_config), and make_loss for callables.
#include "mz/nn/losses/loss.h"

#include <algorithm>
#include <vector>

#include "mz/nn/losses/binary_crossentropy.h"
#include "mz/nn/losses/binary_focal_crossentropy.h"
#include "mz/nn/losses/categorical_crossentropy.h"
#include "mz/nn/losses/categorical_hinge.h"
#include "mz/nn/losses/cosine_similarity.h"
#include "mz/nn/losses/ctc.h"
#include "mz/nn/losses/hinge.h"
#include "mz/nn/losses/huber.h"
#include "mz/nn/losses/kl_divergence.h"
#include "mz/nn/losses/log_cosh.h"
#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/losses/mean_absolute_error.h"
#include "mz/nn/losses/mean_absolute_percentage_error.h"
#include "mz/nn/losses/mean_squared_error.h"
#include "mz/nn/losses/mean_squared_logarithmic_error.h"
#include "mz/nn/losses/poisson.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/losses/squared_hinge.h"

namespace mz {

Loss::Loss(std::string name, std::string reduction)
    : name_(std::move(name)), reduction_(std::move(reduction)) {
  detail::check_reduction(reduction_, str("Loss '", name_, "'"));
}

Tensor Loss::operator()(const Tensor& y_true, const Tensor& y_pred,
                        const Tensor& sample_weight) const {
  MaskedLosses losses = call_masked(y_true, y_pred);
  // The name is for messages about the weights or the mask: built only when there are some.
  const bool weighted = sample_weight.defined() || losses.mask.defined();
  return detail::reduce_weighted_values(losses.values, sample_weight, losses.mask, reduction_,
                                        weighted ? str(class_name(), " '", name_, "'") : "");
}

Json Loss::config() const { return Json{{"name", name_}, {"reduction", reduction_}}; }

namespace {

// Keras's LossFunctionWrapper around a user callable.
class LossFunctionWrapper : public Loss {
 public:
  LossFunctionWrapper(LossFn fn, std::string name) : Loss(std::move(name)), fn_(std::move(fn)) {}
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override {
    auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
    return fn_(t, p);
  }
  std::string class_name() const override { return "LossFunctionWrapper"; }
  Json config() const override {
    Json c = Loss::config();
    c["fn"] = name();
    return c;
  }

 private:
  LossFn fn_;
};

// Reads Loss's keys (name, reduction) and the class's own, ignoring others (dtype, fn).
template <class L, class O>
LossPtr build(const Json& c, O options) {
  if (c.contains("name") && c["name"].is_string())
    options.name = c["name"].template get<std::string>();
  if (c.contains("reduction"))
    options.reduction =
        c["reduction"].is_null() ? "none" : c["reduction"].template get<std::string>();
  return std::make_shared<L>(std::move(options));
}

template <class T>
void read(const Json& c, const char* key, T& field) {
  if (c.contains(key) && !c[key].is_null()) field = c[key].template get<T>();
}

struct LossEntry {
  const char* class_name;
  const char* function_name;
  LossPtr (*make)(const Json& config);
};

// Every loss: Keras's class name, its function's name, and how to build it from a config.
const std::vector<LossEntry>& loss_table() {
  using namespace losses;
  static const std::vector<LossEntry> table = {
      {"MeanSquaredError", "mean_squared_error",
       [](const Json& c) { return build<MeanSquaredError>(c, MeanSquaredErrorOptions{}); }},
      {"MeanAbsoluteError", "mean_absolute_error",
       [](const Json& c) { return build<MeanAbsoluteError>(c, MeanAbsoluteErrorOptions{}); }},
      {"MeanAbsolutePercentageError", "mean_absolute_percentage_error",
       [](const Json& c) {
         return build<MeanAbsolutePercentageError>(c, MeanAbsolutePercentageErrorOptions{});
       }},
      {"MeanSquaredLogarithmicError", "mean_squared_logarithmic_error",
       [](const Json& c) {
         return build<MeanSquaredLogarithmicError>(c, MeanSquaredLogarithmicErrorOptions{});
       }},
      {"Huber", "huber",
       [](const Json& c) {
         HuberOptions o;
         read(c, "delta", o.delta);
         return build<Huber>(c, o);
       }},
      {"LogCosh", "log_cosh", [](const Json& c) { return build<LogCosh>(c, LogCoshOptions{}); }},
      {"BinaryCrossentropy", "binary_crossentropy",
       [](const Json& c) {
         BinaryCrossentropyOptions o;
         read(c, "from_logits", o.from_logits);
         read(c, "label_smoothing", o.label_smoothing);
         read(c, "axis", o.axis);
         return build<BinaryCrossentropy>(c, o);
       }},
      {"BinaryFocalCrossentropy", "binary_focal_crossentropy",
       [](const Json& c) {
         BinaryFocalCrossentropyOptions o;
         read(c, "apply_class_balancing", o.apply_class_balancing);
         read(c, "alpha", o.alpha);
         read(c, "gamma", o.gamma);
         read(c, "from_logits", o.from_logits);
         read(c, "label_smoothing", o.label_smoothing);
         read(c, "axis", o.axis);
         return build<BinaryFocalCrossentropy>(c, o);
       }},
      {"CategoricalCrossentropy", "categorical_crossentropy",
       [](const Json& c) {
         CategoricalCrossentropyOptions o;
         read(c, "from_logits", o.from_logits);
         read(c, "label_smoothing", o.label_smoothing);
         read(c, "axis", o.axis);
         return build<CategoricalCrossentropy>(c, o);
       }},
      {"SparseCategoricalCrossentropy", "sparse_categorical_crossentropy",
       [](const Json& c) {
         SparseCategoricalCrossentropyOptions o;
         read(c, "from_logits", o.from_logits);
         if (c.contains("ignore_class") && !c["ignore_class"].is_null())
           o.ignore_class = c["ignore_class"].get<int64_t>();
         read(c, "axis", o.axis);
         return build<SparseCategoricalCrossentropy>(c, o);
       }},
      {"KLDivergence", "kl_divergence",
       [](const Json& c) { return build<KLDivergence>(c, KLDivergenceOptions{}); }},
      {"Poisson", "poisson", [](const Json& c) { return build<Poisson>(c, PoissonOptions{}); }},
      {"Hinge", "hinge", [](const Json& c) { return build<Hinge>(c, HingeOptions{}); }},
      {"SquaredHinge", "squared_hinge",
       [](const Json& c) { return build<SquaredHinge>(c, SquaredHingeOptions{}); }},
      {"CategoricalHinge", "categorical_hinge",
       [](const Json& c) { return build<CategoricalHinge>(c, CategoricalHingeOptions{}); }},
      {"CosineSimilarity", "cosine_similarity",
       [](const Json& c) {
         CosineSimilarityOptions o;
         read(c, "axis", o.axis);
         return build<CosineSimilarity>(c, o);
       }},
      {"CTC", "ctc", [](const Json& c) { return build<CTC>(c, CTCOptions{}); }},
  };
  return table;
}

// Keras's aliases (keras/src/losses/__init__.py and the legacy names).
const std::vector<std::pair<const char*, const char*>>& loss_aliases() {
  static const std::vector<std::pair<const char*, const char*>> aliases = {
      {"mse", "mean_squared_error"},
      {"MSE", "mean_squared_error"},
      {"mae", "mean_absolute_error"},
      {"MAE", "mean_absolute_error"},
      {"mape", "mean_absolute_percentage_error"},
      {"MAPE", "mean_absolute_percentage_error"},
      {"msle", "mean_squared_logarithmic_error"},
      {"MSLE", "mean_squared_logarithmic_error"},
      {"kld", "kl_divergence"},
      {"KLD", "kl_divergence"},
      {"kullback_leibler_divergence", "kl_divergence"},
      {"bce", "binary_crossentropy"},
      {"BCE", "binary_crossentropy"},
      {"logcosh", "log_cosh"},
      {"huber_loss", "huber"},
  };
  return aliases;
}

const LossEntry* find_entry(const std::string& name) {
  std::string key = name;
  for (const auto& [alias, target] : loss_aliases())
    if (name == alias) key = target;
  for (const LossEntry& e : loss_table())
    if (key == e.class_name || key == e.function_name) return &e;
  return nullptr;
}

std::string valid_loss_names() {
  std::vector<std::string> names;
  for (const LossEntry& e : loss_table()) names.emplace_back(e.function_name);
  for (const auto& a : loss_aliases()) names.emplace_back(a.first);
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

[[noreturn]] void unknown_loss(const char* who, const std::string& name) {
  throw ValueError(str(who, ": unknown loss: expected one of ", valid_loss_names(),
                       " or a class name such as \"MeanSquaredError\", got \"", name, "\"."));
}

}  // namespace

LossPtr get_loss(const std::string& name) {
  const LossEntry* e = find_entry(name);
  if (!e) unknown_loss("get_loss", name);
  return e->make(Json::object());
}

LossPtr make_loss(LossFn fn, std::string name) {
  if (!fn) throw ValueError("make_loss: the loss function is empty.");
  return std::make_shared<LossFunctionWrapper>(std::move(fn), std::move(name));
}

LossPtr loss_from_config(const Json& config) {
  if (config.is_string()) return get_loss(config.get<std::string>());
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw ValueError(str("loss_from_config: expected a loss name or {\"class_name\": ..., ",
                         "\"config\": {...}}, got ", config.dump(), "."));
  std::string class_name = config["class_name"].get<std::string>();
  Json inner = config.contains("config") ? config["config"] : Json::object();
  // Keras serialises a loss function as {"class_name": "function", "config": "mse", ...}.
  if (class_name == "function") {
    if (inner.is_string()) return get_loss(inner.get<std::string>());
    if (config.contains("registered_name") && config["registered_name"].is_string())
      return get_loss(config["registered_name"].get<std::string>());
    throw ValueError(str("loss_from_config: a function loss needs its name in \"config\", got ",
                         config.dump(), "."));
  }
  const LossEntry* e = find_entry(class_name);
  if (!e) unknown_loss("loss_from_config", class_name);
  if (!inner.is_object()) inner = Json::object();
  return e->make(inner);
}

}  // namespace mz
