// Optimizer: Keras 3's apply() (clip, weight decay, update_step per variable, iterations,
// constraints) and the name/config tables get_optimizer() and optimizer_from_config() read.
#include "mz/nn/optimizers/optimizer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <utility>

#include "mz/core/grad_mode.h"
#include "mz/nn/constraints.h"
#include "mz/nn/optimizers/adadelta.h"
#include "mz/nn/optimizers/adagrad.h"
#include "mz/nn/optimizers/adam.h"
#include "mz/nn/optimizers/adamax.h"
#include "mz/nn/optimizers/adamw.h"
#include "mz/nn/optimizers/lion.h"
#include "mz/nn/optimizers/nadam.h"
#include "mz/nn/optimizers/rmsprop.h"
#include "mz/nn/optimizers/schedules/learning_rate_schedule.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"

namespace mz {
namespace {

std::string var_label(const Variable& v) { return v.path.empty() ? v.name : v.path; }

// sum(g^2) as a double.
double squared_norm(const Tensor& g) { return sum(square(g)).item<double>(); }

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

}  // namespace

Optimizer::Optimizer(std::string class_name, LearningRate learning_rate, OptimizerCommon common)
    : common_(std::move(common)),
      learning_rate_(std::move(learning_rate)),
      class_name_(std::move(class_name)),
      name_(common_.name) {
  if (name_.empty())
    for (char c : class_name_)
      name_ += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int clips = common_.clipnorm.has_value() + common_.clipvalue.has_value() +
              common_.global_clipnorm.has_value();
  auto show = [](const std::optional<double>& v) { return v ? str(*v) : std::string("None"); };
  if (clips > 1)
    throw ValueError(str(who(),
                         ": only one of clipnorm, clipvalue and global_clipnorm can be "
                         "set, got clipnorm=",
                         show(common_.clipnorm), ", clipvalue=", show(common_.clipvalue),
                         ", global_clipnorm=", show(common_.global_clipnorm), "."));
}

std::string Optimizer::who() const { return str(class_name_, " '", name_, "'"); }

void Optimizer::apply_gradients(const std::vector<VariablePtr>& vars) {
  std::vector<Tensor> grads;
  grads.reserve(vars.size());
  for (const VariablePtr& v : vars) grads.push_back(v ? v->value.grad() : Tensor());
  apply(grads, vars);
}

void Optimizer::apply(const std::vector<Tensor>& grads, const std::vector<VariablePtr>& vars) {
  if (grads.size() != vars.size())
    throw ValueError(str(who(), ": apply: expected one gradient per variable, got ", grads.size(),
                         " gradients for ", vars.size(), " variables."));
  if (vars.empty()) return;
  for (const VariablePtr& v : vars)
    if (!v) throw ValueError(str(who(), ": apply: got a null variable."));
  NoGrad no_grad;
  if (!built_) {
    built_for_.clear();
    for (const VariablePtr& v : vars) built_for_.push_back(v.get());
    build(vars);
    built_ = true;
  }

  // Match each variable to its build position; keep those with a gradient (Keras filters the
  // empty ones after checking every variable is known).
  std::vector<Tensor> gs;
  std::vector<Variable*> vs;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    Variable* v = vars[i].get();
    std::size_t k = i < built_for_.size() && built_for_[i] == v ? i : built_for_.size();
    for (std::size_t j = 0; k == built_for_.size() && j < built_for_.size(); ++j)
      if (built_for_[j] == v) k = j;
    if (k == built_for_.size())
      throw ValueError(str(who(), ": variable \"", var_label(*v), "\" is not one of the ",
                           built_for_.size(),
                           " variables the optimizer was built with; make a new optimizer for "
                           "new variables."));
    const Tensor& g = grads[i];
    if (!g.defined()) continue;
    if (!(g.shape() == v->value.shape()))
      throw ShapeError(str(who(), ": the gradient of \"", var_label(*v), "\" is ", g.shape(),
                           ", expected the variable's shape ", v->value.shape(), "."));
    gs.push_back(g.dtype() == v->value.dtype() ? g : g.to(v->value.dtype()));
    vs.push_back(v);
    index.push_back(k);
  }
  if (gs.empty()) throw ValueError(str(who(), ": no gradients provided for any variable."));

  // (1) Clipping, in Keras's order of precedence (only one can be set).
  if (common_.clipnorm && *common_.clipnorm > 0) {
    double c = *common_.clipnorm;
    for (Tensor& g : gs) {  // g * c / max(||g||, c)
      double norm = std::sqrt(squared_norm(g));
      if (norm > c || std::isnan(norm)) g = g * (c / norm);
    }
  } else if (common_.global_clipnorm && *common_.global_clipnorm > 0) {
    double c = *common_.global_clipnorm, total = 0.0;
    for (const Tensor& g : gs) total += squared_norm(g);
    double norm = std::sqrt(total);
    // NaN when the norm is not finite, as Keras's clip_by_global_norm.
    double scale = std::isfinite(norm) ? c * std::min(1.0 / norm, 1.0 / c)
                                       : std::numeric_limits<double>::quiet_NaN();
    if (scale != 1.0)
      for (Tensor& g : gs) g = g * scale;
  } else if (common_.clipvalue && *common_.clipvalue > 0) {
    double c = *common_.clipvalue;
    for (Tensor& g : gs) g = clip(g, -c, c);
  }

  // (2) The rate of this step; (3) decoupled weight decay: w -= w * weight_decay * lr.
  double lr = learning_rate_.at(iterations_);
  if (common_.weight_decay) {
    double factor = 1.0 - *common_.weight_decay * lr;
    if (factor != 1.0)
      for (Variable* v : vs) mul_(v->value, factor);
  }
  // (4) The rule of the subclass, in place; then iterations++ and (5) the constraints.
  for (std::size_t k = 0; k < gs.size(); ++k) update_step(gs[k], vs[k]->value, index[k], lr);
  ++iterations_;
  for (Variable* v : vs)
    if (v->constraint) v->value.copy_((*v->constraint)(v->value));
}

double Optimizer::learning_rate() const { return learning_rate_.at(iterations_); }

void Optimizer::set_learning_rate(double value) {
  if (learning_rate_.schedule())
    throw ValueError(str(who(), ": set_learning_rate: the learning rate is a ",
                         learning_rate_.schedule()->class_name(),
                         " schedule, which cannot be set; create the optimizer with a constant "
                         "learning_rate to change it during training."));
  learning_rate_ = LearningRate(value);
}

std::vector<Tensor> Optimizer::variables() const {
  // Keras's order: iteration, learning_rate (a constant rate only), then the slots.
  std::vector<Tensor> out;
  out.push_back(scalar(static_cast<double>(iterations_), {.dtype = DType::i64}));
  if (!learning_rate_.schedule())
    out.push_back(scalar(learning_rate_.at(0), {.dtype = DType::f32}));
  out.insert(out.end(), slots_.begin(), slots_.end());
  return out;
}

void Optimizer::build_for(const std::vector<VariablePtr>& vars) {
  if (built_) return;
  NoGrad no_grad;
  built_for_.clear();
  for (const VariablePtr& v : vars) built_for_.push_back(v.get());
  build(vars);
  built_ = true;
}

void Optimizer::set_state(int64_t iterations, const std::vector<Tensor>& slots) {
  if (slots.size() != slots_.size())
    throw ValueError(str(who(), ": set_state: expected ", slots_.size(), " slot variables, got ",
                         slots.size(), "."));
  for (std::size_t i = 0; i < slots.size(); ++i)
    if (!(slots[i].shape() == slots_[i].shape()))
      throw ValueError(str(who(), ": set_state: slot ", i, " is ", slots[i].shape(), ", expected ",
                           slots_[i].shape(), "."));
  NoGrad no_grad;
  for (std::size_t i = 0; i < slots.size(); ++i)
    slots_[i].copy_(slots[i].dtype() == slots_[i].dtype() ? slots[i]
                                                          : slots[i].to(slots_[i].dtype()));
  iterations_ = iterations;
}

Json Optimizer::config() const {
  const SchedulePtr& schedule = learning_rate_.schedule();
  return {{"name", name_},
          {"learning_rate", schedule ? optimizers::schedules::serialize_schedule(*schedule)
                                     : Json(learning_rate_.at(0))},
          {"weight_decay", optional_json(common_.weight_decay)},
          {"clipnorm", optional_json(common_.clipnorm)},
          {"global_clipnorm", optional_json(common_.global_clipnorm)},
          {"clipvalue", optional_json(common_.clipvalue)},
          {"use_ema", false},
          {"ema_momentum", 0.99},
          {"ema_overwrite_frequency", nullptr},
          {"loss_scale_factor", nullptr},
          {"gradient_accumulation_steps", nullptr}};
}

// ----- names and configs -----
namespace {

// Reads a Keras optimizer config into an options struct, rejecting keys Keras would not accept
// and features merezha lacks (EMA, loss scaling, gradient accumulation).
class ConfigReader {
 public:
  ConfigReader(const std::string& class_name, const Json& config,
               std::initializer_list<const char*> own_keys)
      : who_("optimizer_from_config: " + class_name), config_(config) {
    if (!config_.is_object())
      throw ValueError(str(who_, ": config must be a JSON object, got ", config_.dump(), "."));
    static const char* common[] = {"name",
                                   "learning_rate",
                                   "weight_decay",
                                   "clipnorm",
                                   "global_clipnorm",
                                   "clipvalue",
                                   "use_ema",
                                   "ema_momentum",
                                   "ema_overwrite_frequency",
                                   "loss_scale_factor",
                                   "gradient_accumulation_steps"};
    for (const auto& [key, value] : config_.items()) {
      bool known = false;
      for (const char* k : common) known = known || key == k;
      for (const char* k : own_keys) known = known || key == k;
      if (!known) throw ValueError(str(who_, ": unknown key \"", key, "\"."));
    }
    if (config_get(config_, "use_ema", false, who_))
      throw ValueError(str(who_, ": \"use_ema\": expected false (merezha has no EMA), got true."));
    for (const char* key :
         {"ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps"})
      if (config_.contains(key) && !config_[key].is_null())
        throw ValueError(str(who_, ": \"", key, "\": expected null (unsupported), got ",
                             config_[key].dump(), "."));
  }

  void get(const char* key, double& out) const { out = config_get(config_, key, out, who_); }
  void get(const char* key, bool& out) const { out = config_get(config_, key, out, who_); }
  void get(const char* key, std::string& out) const { out = config_get(config_, key, out, who_); }
  void get(const char* key, std::optional<double>& out) const {
    if (config_.contains(key) && !config_[key].is_null()) out = config_get(config_, key, 0.0, who_);
  }
  void get(const char* key, LearningRate& out) const {
    if (!config_.contains(key) || config_[key].is_null()) return;
    const Json& v = config_[key];
    out = v.is_object() ? LearningRate(optimizers::schedules::schedule_from_config(v))
                        : LearningRate(config_get(config_, key, 0.0, who_));
  }
  // The fields every options struct shares.
  template <class Options>
  void common(Options& o) const {
    get("learning_rate", o.learning_rate);
    get("weight_decay", o.weight_decay);  // optional, or a plain double for AdamW
    get("clipnorm", o.clipnorm);
    get("clipvalue", o.clipvalue);
    get("global_clipnorm", o.global_clipnorm);
    get("name", o.name);
  }

 private:
  std::string who_;
  const Json& config_;
};

using Factory = std::function<OptimizerPtr(const std::string&, const Json&)>;

// Keras class names with their readers, sorted by lower-case name.
const std::vector<std::pair<std::string, Factory>>& factories() {
  using namespace optimizers;
  static const std::vector<std::pair<std::string, Factory>> table = {
      {"Adadelta",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"rho", "epsilon"});
         AdadeltaOptions o;
         r.common(o), r.get("rho", o.rho), r.get("epsilon", o.epsilon);
         return std::make_shared<Adadelta>(o);
       }},
      {"Adagrad",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"initial_accumulator_value", "epsilon"});
         AdagradOptions o;
         r.common(o), r.get("initial_accumulator_value", o.initial_accumulator_value);
         r.get("epsilon", o.epsilon);
         return std::make_shared<Adagrad>(o);
       }},
      {"Adam",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"beta_1", "beta_2", "epsilon", "amsgrad"});
         AdamOptions o;
         r.common(o), r.get("beta_1", o.beta_1), r.get("beta_2", o.beta_2);
         r.get("epsilon", o.epsilon), r.get("amsgrad", o.amsgrad);
         return std::make_shared<Adam>(o);
       }},
      {"Adamax",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"beta_1", "beta_2", "epsilon"});
         AdamaxOptions o;
         r.common(o), r.get("beta_1", o.beta_1), r.get("beta_2", o.beta_2);
         r.get("epsilon", o.epsilon);
         return std::make_shared<Adamax>(o);
       }},
      {"AdamW",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"beta_1", "beta_2", "epsilon", "amsgrad"});
         AdamWOptions o;
         r.common(o), r.get("beta_1", o.beta_1), r.get("beta_2", o.beta_2);
         r.get("epsilon", o.epsilon), r.get("amsgrad", o.amsgrad);
         return std::make_shared<AdamW>(o);
       }},
      {"Lion",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"beta_1", "beta_2"});
         LionOptions o;
         r.common(o), r.get("beta_1", o.beta_1), r.get("beta_2", o.beta_2);
         return std::make_shared<Lion>(o);
       }},
      {"Nadam",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"beta_1", "beta_2", "epsilon"});
         NadamOptions o;
         r.common(o), r.get("beta_1", o.beta_1), r.get("beta_2", o.beta_2);
         r.get("epsilon", o.epsilon);
         return std::make_shared<Nadam>(o);
       }},
      {"RMSprop",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"rho", "momentum", "epsilon", "centered"});
         RMSpropOptions o;
         r.common(o), r.get("rho", o.rho), r.get("momentum", o.momentum);
         r.get("epsilon", o.epsilon), r.get("centered", o.centered);
         return std::make_shared<RMSprop>(o);
       }},
      {"SGD",
       [](const std::string& n, const Json& c) {
         ConfigReader r(n, c, {"momentum", "nesterov"});
         SGDOptions o;
         r.common(o), r.get("momentum", o.momentum), r.get("nesterov", o.nesterov);
         return std::make_shared<SGD>(o);
       }},
  };
  return table;
}

std::string lower(const std::string& s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The factory for a class name or its lower-case form (Keras accepts both); null when unknown.
const Factory* find_factory(const std::string& name, std::string& class_name) {
  for (const auto& [keras_name, make] : factories())
    if (name == keras_name || name == lower(keras_name)) {
      class_name = keras_name;
      return &make;
    }
  return nullptr;
}

std::string known_names() {
  std::string out;
  for (const auto& [keras_name, make] : factories())
    out += str(out.empty() ? "" : ", ", "\"", lower(keras_name), "\"");
  return out;
}

}  // namespace

OptimizerPtr get_optimizer(const std::string& name) {
  std::string class_name;
  if (const Factory* make = find_factory(name, class_name))
    return (*make)(class_name, Json::object());
  throw ValueError(
      str("get_optimizer: unknown optimizer \"", name, "\": expected one of ", known_names(), "."));
}

OptimizerPtr optimizer_from_config(const Json& config) {
  if (config.is_string()) return get_optimizer(config.get<std::string>());
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw ValueError(
        str("optimizer_from_config: expected {\"class_name\": ..., \"config\": ...} "
            "or a name, got ",
            config.dump(), "."));
  std::string name = config["class_name"].get<std::string>(), class_name;
  const Factory* make = find_factory(name, class_name);
  if (!make)
    throw ValueError(str("optimizer_from_config: unknown optimizer \"", name,
                         "\": expected one of ", known_names(), "."));
  Json inner = config.contains("config") ? config["config"] : Json::object();
  return (*make)(class_name, inner);
}

}  // namespace mz
