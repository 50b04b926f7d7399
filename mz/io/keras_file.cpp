// .keras archives and .weights.h5 files: the walk that gives every variable its Keras path
// (formats.md A1.3), the optimizer's slot order (A1.3 rule 6), config.json and metadata.json.
// The zip and HDF5 plumbing are in zip_archive.cpp and h5_weights.cpp.
#include "mz/io/keras_file.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <set>
#include <unordered_set>

#include "mz/core/grad_mode.h"
#include "mz/io/detail/bounded_json.h"
#include "mz/io/file.h"
#include "mz/io/h5_weights.h"
#include "mz/io/legacy_h5.h"
#include "mz/io/zip_archive.h"
#include "mz/nn/layers/bidirectional.h"
#include "mz/nn/layers/rnn.h"
#include "mz/nn/layers/wrapper.h"
#include "mz/nn/model_from_config.h"
#include "mz/ops/creation.h"
#include "mz/ops/random.h"

namespace mz {
namespace {

using io::detail::H5Content;

// The Keras version whose layout merezha writes (checked against files of Keras 3.15.1).
constexpr const char* kKerasVersion = "3.15.1";
// config.json may nest this deep at most (a hostile file could nest 10 000 levels).

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "/" + b; }

// One object's variables and where Keras keeps them.
struct VarGroup {
  std::string path;  // the "vars" group: "layers/dense/vars"
  std::string name;  // the object's name (the group's "name" attribute)
  std::string who;   // "Dense 'dense'", for messages
  std::vector<VariablePtr> vars;
};

void walk_model(const Model& model, const std::string& path, std::vector<VarGroup>& out);

// Keras's _save_state for a layer: own variables in <path>/vars, children under their
// attribute names (RNN -> cell, Bidirectional -> forward_layer/backward_layer, wrappers ->
// layer, models -> layers/...).
void walk_layer(const Layer& layer, const std::string& path, std::vector<VarGroup>& out) {
  if (auto* m = dynamic_cast<const Model*>(&layer)) {
    walk_model(*m, path, out);
    return;
  }
  VarGroup own{join(path, "vars"), layer.name(), layer.who(), {}};
  if (auto* b = dynamic_cast<const layers::Bidirectional*>(&layer)) {
    out.push_back(own);
    walk_layer(*b->forward_layer(), join(path, "forward_layer"), out);
    walk_layer(*b->backward_layer(), join(path, "backward_layer"), out);
  } else if (auto* r = dynamic_cast<const layers::RNN*>(&layer)) {
    out.push_back(own);
    const Layer& cell = *r->cell();
    out.push_back(
        {join(path, "cell/vars"), cell.name(), str(layer.who(), " cell"), cell.weights()});
  } else if (auto* w = dynamic_cast<const layers::Wrapper*>(&layer)) {
    out.push_back(own);
    walk_layer(*w->layer(), join(path, "layer"), out);
  } else {
    own.vars = layer.weights();
    out.push_back(own);
  }
}

// The model's own variables at <path>/vars, then its layers under <path>/layers/<snake_case
// class name>[_n] (Sequential without its InputLayer, functional models with theirs).
void walk_model(const Model& model, const std::string& path, std::vector<VarGroup>& out) {
  std::vector<LayerPtr> list = model.layers();
  std::unordered_set<const Variable*> theirs;
  for (const LayerPtr& l : list)
    for (const VariablePtr& v : l->weights()) theirs.insert(v.get());
  VarGroup own{join(path, "vars"), model.name(), model.who(), {}};
  for (const VariablePtr& v : model.weights())
    if (!theirs.count(v.get())) own.vars.push_back(v);
  out.push_back(own);
  std::map<std::string, int> used;
  for (const LayerPtr& l : list) {
    std::string name = to_snake_case(l->class_name());
    auto [it, fresh] = used.emplace(name, 0);
    if (!fresh) name = str(name, "_", ++it->second);
    walk_layer(*l, join(path, "layers/" + name), out);
  }
}

std::vector<VarGroup> weight_groups(const Model& model) {
  std::vector<VarGroup> out;
  walk_model(model, "", out);
  return out;
}

// How Keras orders an optimizer's slots: each add_optimizer_variables call makes a group of
// kinds interleaved per variable (Adam: m(w0), v(w0), m(w1), ...); merezha keeps them kind by
// kind. Returns the group sizes for `kinds` kinds.
std::vector<int> slot_groups(const Optimizer& opt, int kinds) {
  static const std::set<std::string> paired = {"Adam", "AdamW", "Nadam", "Adamax", "Adadelta"};
  std::vector<int> groups;
  int left = kinds;
  if (paired.count(opt.class_name()) && left >= 2) groups.push_back(2), left -= 2;
  while (left-- > 0) groups.push_back(1);
  return groups;
}

// Keras position (among the slots) of merezha's slot kind*n + i, for every slot.
std::vector<std::size_t> keras_slot_order(const Optimizer& opt, std::size_t n, std::size_t total) {
  std::vector<std::size_t> order;  // order[keras index] = merezha index
  // Nadam's momentum cache (u_product), one scalar after its per-variable slots, stays last.
  const std::size_t tail = n > 1 && opt.class_name() == "Nadam" && total % n == 1 ? 1 : 0;
  if (n == 0 || (total - tail) % n != 0) return order;
  int kind0 = 0;
  for (int g : slot_groups(opt, static_cast<int>((total - tail) / n))) {
    for (std::size_t i = 0; i < n; ++i)
      for (int k = 0; k < g; ++k) order.push_back(static_cast<std::size_t>(kind0 + k) * n + i);
    kind0 += g;
  }
  if (tail) order.push_back(total - 1);
  return order;
}

// The variables of a weights file for `model` (and its optimizer when compiled).
H5Content weights_content(const Model& model) {
  H5Content c;
  for (const VarGroup& g : weight_groups(model)) {
    c.groups[g.path] = g.name;
    for (std::size_t i = 0; i < g.vars.size(); ++i)
      c.datasets[str(g.path, "/", i)] = g.vars[i]->value;
  }
  if (model.compiled() && model.optimizer()) {
    const Optimizer& opt = *model.optimizer();
    c.groups["optimizer/vars"] = opt.name();
    std::vector<Tensor> vars = opt.variables();
    // iterations, then the learning rate when it is a constant (what variables() gives).
    const std::size_t fixed =
        std::min<std::size_t>(vars.size(), opt.config()["learning_rate"].is_object() ? 1 : 2);
    for (std::size_t i = 0; i < fixed; ++i) c.datasets[str("optimizer/vars/", i)] = vars[i];
    const std::size_t total = vars.size() - fixed;
    std::vector<std::size_t> order = keras_slot_order(opt, model.trainable_weights().size(), total);
    if (order.size() != total)
      throw ValueError(str(opt.who(), ": its ", total, " slot variables do not fit the model's ",
                           model.trainable_weights().size(),
                           " trainable variables (were layers frozen or unfrozen after "
                           "training?); compile the model again before saving it."));
    for (std::size_t k = 0; k < total; ++k)
      c.datasets[str("optimizer/vars/", fixed + k)] = vars[fixed + order[k]];
  }
  return c;
}

// The datasets <vars path>/0, /1, ... of a group, by number; throws for other names.
std::vector<Tensor> group_datasets(const H5Content& c, const std::string& vars_path,
                                   const std::string& where) {
  std::map<uint64_t, Tensor> found;
  const std::string prefix = vars_path + "/";
  for (auto it = c.datasets.lower_bound(prefix);
       it != c.datasets.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    std::string rest = it->first.substr(prefix.size());
    if (rest.find('/') != std::string::npos) continue;
    if (rest.empty() || rest.size() > 9 ||
        !std::all_of(rest.begin(), rest.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      throw FormatError(str(where, ": dataset \"", it->first,
                            "\": expected a decimal variable index as its name."));
    found[std::stoull(rest)] = it->second;
  }
  std::vector<Tensor> out;
  for (auto& [index, t] : found) {
    if (index != out.size())
      throw FormatError(str(where, ": \"", vars_path, "\" has variable ", index,
                            " but no variable ", out.size(), "."));
    out.push_back(t);
  }
  return out;
}

// Copies `value` into variable `v`, checking the shape.
void assign(Variable& v, const Tensor& value, const std::string& where) {
  if (!(value.shape() == v.value.shape()))
    throw FormatError(
        str(where, ": expected shape ", v.value.shape(), ", got ", value.shape(), "."));
  NoGrad no_grad;
  v.value.copy_(value.dtype() == v.value.dtype() ? value : value.to(v.value.dtype()));
}

int64_t scalar_int(const Tensor& t, const std::string& where) {
  if (t.numel() != 1) throw FormatError(str(where, ": expected a scalar, got ", t.shape(), "."));
  return t.to(DType::i64).item<int64_t>();
}

// Restores the optimizer state of "optimizer/vars" (Keras order) into the compiled model.
void load_optimizer(Model& model, const H5Content& c, const std::string& who) {
  if (!model.compiled() || !model.optimizer() || !c.groups.count("optimizer/vars")) return;
  Optimizer& opt = *model.optimizer();
  const std::string where = str(who, ": optimizer/vars (", opt.who(), ")");
  std::vector<Tensor> stored = group_datasets(c, "optimizer/vars", where);
  if (stored.empty()) return;
  const bool has_rate = !opt.config()["learning_rate"].is_object();
  const std::size_t fixed = has_rate ? 2 : 1;
  if (stored.size() < fixed)
    throw FormatError(str(where, ": expected at least ", fixed, " variables (iterations",
                          has_rate ? ", learning_rate" : "", "), got ", stored.size(), "."));
  const int64_t iterations = scalar_int(stored[0], where + " variable 0 (iterations)");
  if (iterations < 0)
    throw FormatError(str(where, ": iterations must be >= 0, got ", iterations, "."));
  if (has_rate) {
    if (stored[1].numel() != 1)
      throw FormatError(str(where, ": variable 1 (learning_rate): expected a scalar, got ",
                            stored[1].shape(), "."));
    const double rate = stored[1].to(DType::f64).item<double>();
    // A rate changed during training (ReduceLROnPlateau) differs from the config's.
    if (static_cast<float>(rate) != static_cast<float>(opt.learning_rate()))
      opt.set_learning_rate(rate);
  }
  std::vector<VariablePtr> vars = model.trainable_weights();
  const std::size_t slots = stored.size() - fixed;
  if (slots == 0) {
    opt.set_state(iterations, {});
    return;
  }
  opt.build_for(vars);
  const std::vector<Tensor> own = opt.variables();
  const std::size_t own_slots = own.size() - fixed;
  if (own_slots != slots)
    throw FormatError(str(where, ": expected ", own_slots + fixed, " variables for ", vars.size(),
                          " trainable variables, got ", stored.size(), "."));
  std::vector<std::size_t> order = keras_slot_order(opt, vars.size(), slots);
  std::vector<Tensor> values(slots);
  for (std::size_t k = 0; k < slots; ++k) {
    const Tensor& want = own[fixed + order[k]];
    const Tensor& got = stored[fixed + k];
    if (!(got.shape() == want.shape()))
      throw FormatError(str(where, ": variable ", fixed + k, ": expected shape ", want.shape(),
                            ", got ", got.shape(), "."));
    values[order[k]] = got;
  }
  opt.set_state(iterations, values);
}

// Loads every layer variable of `model` from `c`, by path (Keras matches by position in the
// object graph, not by layer name).
void load_layer_weights(const Model& model, const H5Content& c, const std::string& who) {
  for (const VarGroup& g : weight_groups(model)) {
    const std::string& path = g.path;
    const std::string where = str(who, ": ", g.who);
    if (!c.groups.count(path)) {
      if (g.vars.empty()) continue;  // older Keras files omit empty groups
      throw FormatError(str(where, ": expected ", g.vars.size(), " variables in \"", path,
                            "\", but the file has no such group."));
    }
    std::vector<Tensor> stored = group_datasets(c, path, where);
    if (stored.size() != g.vars.size())
      throw FormatError(str(where, ": expected ", g.vars.size(), " variables in \"", path,
                            "\", got ", stored.size(), "."));
    for (std::size_t i = 0; i < stored.size(); ++i)
      assign(*g.vars[i], stored[i],
             str(where, " variable ", i, " (", g.vars[i]->name, ", \"", path, "/", i, "\")"));
  }
}

// Keras's envelope for the top-level model.
Json model_envelope(const Model& model) {
  const bool sequential = dynamic_cast<const Sequential*>(&model) != nullptr;
  Json out = {{"module", sequential ? "keras" : "keras.src.models.functional"},
              {"class_name", model.class_name()},
              {"config", model.config()},
              {"registered_name", sequential ? Json(nullptr) : Json("Functional")}};
  if (sequential) {
    const auto& shapes = model.build_shapes();
    if (model.built() && shapes.size() == 1) {
      Json shape = Json::array();
      for (int64_t d : shapes[0]) shape.push_back(d < 0 ? Json(nullptr) : Json(d));
      out["build_config"] = {{"input_shape", shape}};
    }
  } else {
    out["build_config"] = {{"input_shape", nullptr}};
  }
  Json cc = model.compile_config();
  if (!cc.is_null()) out["compile_config"] = cc;
  return out;
}

void check_savable(const Model& model, const std::string& who) {
  if (!dynamic_cast<const Sequential*>(&model) && !model.graph())
    throw ValueError(str(who, ": ", model.who(),
                         " is a subclassed model; only Sequential and functional models can be "
                         "saved whole (save its weights with save_weights)."));
  if (!model.built())
    throw ValueError(str(who, ": ", model.who(),
                         " is not built: give it an Input or call it once before saving."));
}

std::string date_saved() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d@%H:%M:%S", &tm);
  return buf;
}

// Removes Keras's "shared_object_id" bookkeeping keys everywhere.
void strip_shared_ids(Json& j) {
  if (j.is_object()) {
    j.erase("shared_object_id");
    for (auto& [k, v] : j.items()) strip_shared_ids(v);
  } else if (j.is_array()) {
    for (Json& v : j) strip_shared_ids(v);
  }
}

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// Refuses what names code outside Keras in a model config, as Keras's safe_mode does: a
// "module" other than keras or keras.*, and a serialized Python lambda ("__lambda__"). Throws
// ValueError "<who>: "<enclosing class_name>": ..." (configs nest at most kMaxJsonDepth deep).
void refuse_foreign_code(const Json& j, const std::string& who, const std::string& owner = "") {
  if (j.is_object()) {
    auto cls = j.find("class_name");
    const std::string inside =
        cls != j.end() && cls->is_string() ? cls->get<std::string>().substr(0, 200) : owner;
    const std::string where = inside.empty() ? who : str(who, ": \"", inside, "\"");
    auto module = j.find("module");
    if (module != j.end() && module->is_string()) {
      const std::string& m = module->get_ref<const std::string&>();
      if (m != "keras" && m.rfind("keras.", 0) != 0)
        throw ValueError(str(where, ": module \"", m.substr(0, 200),
                             "\" names code outside Keras; refusing it (expected keras or "
                             "keras.*)."));
    }
    if (inside == "__lambda__")
      throw ValueError(str(who, ": a serialized Python lambda (\"__lambda__\") is code; "
                                "refusing it."));
    for (const auto& item : j.items()) refuse_foreign_code(item.value(), who, inside);
  } else if (j.is_array()) {
    for (const Json& v : j) refuse_foreign_code(v, who, owner);
  }
}

// Rethrows an error from a part of the file with the file and the part named first.
[[noreturn]] void rethrow_in(const std::string& prefix) {
  try {
    throw;
  } catch (const ShapeError& e) {
    throw FormatError(str(prefix, ": ", e.what()));
  } catch (const ValueError& e) {
    throw ValueError(str(prefix, ": ", e.what()));
  } catch (const FormatError& e) {
    throw FormatError(str(prefix, ": ", e.what()));
  } catch (const BackendError& e) {
    throw BackendError(str(prefix, ": ", e.what()));
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(str(prefix, ": unexpected JSON value: ", e.what(), "."));
  } catch (const Error& e) {  // e.g. an allocation a hostile config sized: name the part
    throw FormatError(str(prefix, ": ", e.what()));
  }
}

void require_backends(const std::string& who, bool zip) {
  if (zip && !io::detail::have_libzip())
    throw BackendError(str(who,
                           ": merezha was built without libzip: install libzip-dev and "
                           "rebuild (.keras files are zip archives)."));
  if (!io::detail::have_hdf5())
    throw BackendError(str(who,
                           ": merezha was built without libhdf5: install libhdf5-dev and "
                           "rebuild (Keras weights are HDF5 files)."));
}

// A legacy Keras .h5 model file (legacy_h5.h): model_config, model_weights and, when
// compiled, training_config and (files of Keras 3) optimizer_weights, in Keras 3's order.
std::shared_ptr<Model> load_legacy_h5_model(const std::string& path, LoadModelOptions options,
                                            const std::string& who) {
  require_backends(who, false);
  io::detail::LegacyH5 file = io::detail::read_legacy_h5(io::detail::read_file(path, who), who);
  refuse_foreign_code(file.config, who + ": model_config");
  std::shared_ptr<Model> model;
  try {
    model = Model::from_config(file.config);
  } catch (const Error&) {
    rethrow_in(who + ": model_config");
  } catch (const nlohmann::json::exception&) {
    rethrow_in(who + ": model_config");
  }
  io::detail::assign_legacy_weights(*model, file, who);
  if (!options.compile || file.compile_config.is_null()) return model;
  try {
    model->compile(compile_options_from_config(file.compile_config, model->output_names()));
  } catch (const Error&) {
    rethrow_in(who + ": training_config");
  } catch (const nlohmann::json::exception&) {
    rethrow_in(who + ": training_config");
  }
  // Keras 2 stored slots kind by kind with no learning rate; Keras 3 as in .keras files.
  if (file.keras_version.rfind("2.", 0) == 0 || file.optimizer_values.empty()) return model;
  H5Content c;
  c.groups["optimizer/vars"] = "";
  for (std::size_t i = 0; i < file.optimizer_values.size(); ++i)
    c.datasets[str("optimizer/vars/", i)] = file.optimizer_values[i];
  load_optimizer(*model, c, who + ": optimizer_weights");
  return model;
}

// Saves a legacy .h5 model file as Keras 3's model.save("m.h5") does (legacy_h5.h); atomic.
void save_legacy_h5_model(const Model& model, const std::string& path, const std::string& who) {
  require_backends(who, false);
  check_savable(model, who);
  const Json envelope = model_envelope(model);
  const Json model_config = {{"class_name", envelope["class_name"]},
                             {"config", envelope["config"]}};
  std::vector<Tensor> optimizer;
  std::string optimizer_name = "optimizer";
  if (model.compiled() && model.optimizer()) {
    const H5Content c = weights_content(model);
    for (std::size_t i = 0;; ++i) {
      auto it = c.datasets.find(str("optimizer/vars/", i));
      if (it == c.datasets.end()) break;
      optimizer.push_back(it->second);
    }
    optimizer_name = model.optimizer()->name();
  }
  std::vector<uint8_t> image =
      io::detail::write_legacy_h5(model, model_config, envelope.value("compile_config", Json()),
                                  optimizer, optimizer_name, who);
  io::detail::write_file_atomic(path, {{image.data(), image.size()}}, who);
}

// The member of a .keras archive holding load_model's verification pair (Keras ignores
// unknown files under assets/).
constexpr const char* kVerifyMember = "assets/merezha_verify.h5";

// The probe of the verification pair: 2 rows per model input, uniform in [0, 1) from a
// Generator seeded 0; unknown dimensions other than the batch are 3.
std::vector<Tensor> verify_probe(const Model& model) {
  std::vector<Shape> shapes;
  for (const KerasTensor& t : model.inputs()) shapes.push_back(t.shape());
  if (shapes.empty()) shapes = model.build_shapes();
  Generator g(0);
  std::vector<Tensor> out;
  for (const Shape& s : shapes) {
    std::vector<int64_t> dims;
    for (int i = 0; i < s.rank(); ++i) dims.push_back(i == 0 ? 2 : s[i] < 0 ? 3 : s[i]);
    out.push_back(uniform(Shape(dims), 0.0, 1.0, {}, g));
  }
  return out;
}

// The verification pair of `model` as an HDF5 image (groups "inputs" and "outputs", datasets
// by number), or empty when the model cannot run on the probe.
std::vector<uint8_t> verify_member(const Model& model, const std::string& who) {
  H5Content c;
  try {
    std::vector<Tensor> xs = verify_probe(model);
    if (xs.empty()) return {};
    std::vector<Tensor> ys = const_cast<Model&>(model).predict_outputs(xs, {.batch_size = 2});
    c.groups["inputs"] = "inputs";
    c.groups["outputs"] = "outputs";
    for (std::size_t i = 0; i < xs.size(); ++i) c.datasets[str("inputs/", i)] = xs[i];
    for (std::size_t i = 0; i < ys.size(); ++i) c.datasets[str("outputs/", i)] = ys[i];
  } catch (const Error&) {
    return {};  // e.g. inputs the probe cannot feed: the file is saved without the pair
  }
  return io::detail::write_h5(c, who);
}

// Replays the verification pair of a loaded archive; throws FormatError naming the file.
void verify_model(Model& model, const std::vector<uint8_t>* member, const std::string& who) {
  if (!member)
    throw FormatError(str(who, ": cannot verify: expected a member \"", kVerifyMember,
                          "\" (written by merezha's save_model), got none."));
  const std::string mwho = str(who, ": ", kVerifyMember);
  H5Content c = io::detail::read_h5(*member, mwho);
  std::vector<Tensor> xs = group_datasets(c, "inputs", mwho);
  std::vector<Tensor> want = group_datasets(c, "outputs", mwho);
  if (xs.empty() || want.empty())
    throw FormatError(str(mwho, ": expected inputs and outputs, got ", xs.size(), " and ",
                          want.size(), "."));
  std::vector<Tensor> got;
  try {
    got = model.predict_outputs(xs, {.batch_size = xs.front().shape().rank() > 0
                                                       ? std::max<int64_t>(xs.front().size(0), 1)
                                                       : 1});
  } catch (const Error& e) {
    throw FormatError(str(mwho, ": the model cannot run on the recorded inputs: ", e.what()));
  }
  if (got.size() != want.size())
    throw FormatError(str(mwho, ": expected ", want.size(), " outputs, got ", got.size(), "."));
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!(got[i].shape() == want[i].shape()))
      throw FormatError(str(mwho, ": output ", i, ": expected shape ", want[i].shape(), ", got ",
                            got[i].shape(), "."));
    const std::vector<double> a = got[i].to_vector<double>(), b = want[i].to_vector<double>();
    double mean = 0.0;
    for (double v : b) mean += std::abs(v);
    mean /= static_cast<double>(std::max<std::size_t>(b.size(), 1));
    double worst = 0.0, worst_rel = 0.0;
    std::size_t first_bad = b.size();
    for (std::size_t k = 0; k < b.size(); ++k) {
      const double d = std::abs(a[k] - b[k]);
      const double rel = d / (std::abs(b[k]) + mean);
      // NaN counts as a difference.
      if (!(d <= 1e-6 * (std::abs(b[k]) + mean)) && first_bad == b.size()) first_bad = k;
      if (d > worst || std::isnan(d)) worst = d, worst_rel = rel;
    }
    if (first_bad < b.size())
      throw FormatError(str(who, ": verify failed: output ", i,
                            " differs from the recorded one: expected at most 1e-6 relative, got "
                            "a max difference of ",
                            worst, " (", worst_rel, " relative); first at element ", first_bad,
                            ": ", a[first_bad], " instead of ", b[first_bad], "."));
  }
}

}  // namespace

void save_model(const Model& model, const std::string& path) {
  const std::string who = io::detail::who_file("save_model", path);
  if (ends_with(path, ".h5") && !ends_with(path, ".weights.h5")) {
    save_legacy_h5_model(model, path, who);
    return;
  }
  if (!ends_with(path, ".keras"))
    throw ValueError(str(who, ": the file name must end in \".keras\" (Keras refuses others)."));
  require_backends(who, true);
  check_savable(model, who);
  Json metadata = {{"keras_version", kKerasVersion}, {"date_saved", date_saved()}};
#ifdef MZ_VERSION
  metadata["producer"] = str("merezha ", MZ_VERSION);
#else
  metadata["producer"] = "merezha";
#endif
  std::vector<io::detail::ZipMember> members;
  members.push_back({"metadata.json", bytes_of(metadata.dump())});
  members.push_back({"config.json", bytes_of(model_envelope(model).dump())});
  members.push_back({"model.weights.h5", io::detail::write_h5(weights_content(model), who)});
  if (std::vector<uint8_t> pair = verify_member(model, who); !pair.empty())
    members.push_back({kVerifyMember, std::move(pair)});
  std::vector<uint8_t> image = io::detail::make_zip(members, who);
  io::detail::write_file_atomic(path, {{image.data(), image.size()}}, who);
}

std::shared_ptr<Model> load_model(const std::string& path, LoadModelOptions options) {
  const std::string who = io::detail::who_file("load_model", path);
  if (ends_with(path, ".h5") && !ends_with(path, ".weights.h5")) {
    if (options.verify)
      throw FormatError(str(who, ": cannot verify a legacy .h5 file: expected a .keras archive "
                                 "written by save_model."));
    return load_legacy_h5_model(path, options, who);
  }
  if (!ends_with(path, ".keras"))
    throw ValueError(str(who, ": expected a \".keras\" file (use load_weights for .weights.h5)."));
  require_backends(who, true);
  std::vector<io::detail::ZipMember> members = io::detail::read_zip(path, who);
  auto member = [&](const char* name) -> const std::vector<uint8_t>* {
    for (const auto& m : members)
      if (m.name == name) return &m.bytes;
    return nullptr;
  };
  const std::vector<uint8_t>* config_bytes = member("config.json");
  if (!config_bytes)
    throw FormatError(str(who, ": the archive has no config.json (", members.size(),
                          " members); not a Keras 3 .keras file."));
  const std::vector<uint8_t>* weight_bytes = member("model.weights.h5");
  if (!weight_bytes) {
    if (member("model.weights.npz"))
      throw FormatError(str(who,
                            ": weights saved as model.weights.npz are not supported; "
                            "save with weights_format=\"h5\" (Keras's default)."));
    throw FormatError(str(who, ": the archive has no model.weights.h5."));
  }
  // A model config is kilobytes: a larger one (a 1 GB string) is refused before parsing.
  constexpr std::size_t kMaxConfigBytes = std::size_t{64} << 20;
  if (config_bytes->size() > kMaxConfigBytes)
    throw FormatError(str(who, ": config.json: ", config_bytes->size(),
                          " bytes, more than the 64 MiB a model config may hold; refusing it."));
  Json config = io::detail::parse_bounded_json(
      {reinterpret_cast<const char*>(config_bytes->data()), config_bytes->size()},
      who + ": config.json");
  strip_shared_ids(config);
  // A classic network saved by save_classic (classic_file.h) is not a Keras model.
  if (config.is_object() && config.contains("module") && config["module"] == "merezha.classic") {
    const Json& cls = config.contains("class_name") ? config["class_name"] : Json();
    const std::string name = cls.is_string() ? cls.get<std::string>().substr(0, 200) : "?";
    throw FormatError(str(who, ": config.json: the archive holds a merezha classic network (", name,
                          "), not a Keras model; load it with mz::load_classic<mz::classic::",
                          name == "Net" ? "nl::Net" : name,
                          ">(path) (classic_file.h)."));
  }
  refuse_foreign_code(config, who + ": config.json");
  std::shared_ptr<Model> model;
  try {
    model = Model::from_config(config);
  } catch (const Error&) {
    rethrow_in(who + ": config.json");
  } catch (const nlohmann::json::exception&) {
    rethrow_in(who + ": config.json");
  }
  const std::string wwho = who + ": model.weights.h5";
  H5Content content = io::detail::read_h5(*weight_bytes, wwho);
  load_layer_weights(*model, content, wwho);
  if (options.compile && config.contains("compile_config") && !config["compile_config"].is_null()) {
    try {
      model->compile(compile_options_from_config(config["compile_config"], model->output_names()));
    } catch (const Error&) {
      rethrow_in(who + ": config.json");
    } catch (const nlohmann::json::exception&) {
      rethrow_in(who + ": config.json");
    }
    load_optimizer(*model, content, wwho);
  }
  if (options.verify) verify_model(*model, member(kVerifyMember), who);
  return model;
}

void save_weights(const Model& model, const std::string& path) {
  const std::string who = io::detail::who_file("save_weights", path);
  if (!ends_with(path, ".weights.h5"))
    throw ValueError(str(who, ": the file name must end in \".weights.h5\" (as Keras requires)."));
  require_backends(who, false);
  if (!model.built())
    throw ValueError(str(who, ": ", model.who(), " is not built: call it once before saving."));
  std::vector<uint8_t> image = io::detail::write_h5(weights_content(model), who);
  io::detail::write_file_atomic(path, {{image.data(), image.size()}}, who);
}

void load_weights(Model& model, const std::string& path) {
  const std::string who = io::detail::who_file("load_weights", path);
  if (!ends_with(path, ".weights.h5"))
    throw ValueError(str(who, ": expected a \".weights.h5\" file (use load_model for .keras)."));
  require_backends(who, false);
  if (!model.built())
    throw ValueError(str(who, ": ", model.who(), " is not built: call it once before loading."));
  H5Content content = io::detail::read_h5(io::detail::read_file(path, who), who);
  load_layer_weights(model, content, who);
  load_optimizer(model, content, who);
}

}  // namespace mz

namespace mz::io::detail {

Json parse_bounded_json(std::string_view text, const std::string& who) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char ch : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (ch == '\\')
        escaped = true;
      else if (ch == '"')
        in_string = false;
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '{' || ch == '[') {
      if (++depth > kMaxJsonDepth)
        throw FormatError(
            str(who, ": nesting deeper than ", kMaxJsonDepth, " levels; refusing it."));
    } else if (ch == '}' || ch == ']') {
      --depth;
    }
  }
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    throw FormatError(str(who, ": not valid JSON: ", e.what(), "."));
  }
}

}  // namespace mz::io::detail
