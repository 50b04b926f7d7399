// Model::from_config: Sequential from its layer list, functional models by replaying the
// inbound_nodes of each layer through the KerasTensor API (Keras's process_node loop: nodes
// whose inputs do not exist yet wait for a later pass). Also compile_config both ways.
#include "mz/nn/model_from_config.h"

#include <deque>
#include <map>
#include <tuple>

#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/registry.h"
#include "mz/nn/model_utils.h"

namespace mz {
namespace {

using TensorKey = std::tuple<std::string, int64_t, int64_t>;  // keras_history

bool is_model_class(const std::string& cls) {
  return cls == "Sequential" || cls == "Functional" || cls == "Model";
}

std::string class_of(const Json& entry) {
  return entry.is_object() && entry.contains("class_name") && entry["class_name"].is_string()
             ? entry["class_name"].get<std::string>()
             : std::string();
}

// A layer (or a nested model) from its envelope.
LayerPtr make_layer(const Json& entry) {
  if (is_model_class(class_of(entry))) return LayerPtr(Model::from_config(entry));
  return layer_from_config(entry);
}

// [name, node_index, tensor_index] (Keras 3 keras_history, input_layers entries, Keras 2
// inbound entries with an optional 4th kwargs element).
TensorKey history_key(const Json& h, const std::string& who) {
  if (!h.is_array() || h.size() < 3 || !h[0].is_string() || !h[1].is_number_integer() ||
      !h[2].is_number_integer())
    throw ValueError(str(who,
                         ": expected a tensor reference [layer name, node index, tensor "
                         "index], got ",
                         h.dump(), "."));
  return {h[0].get<std::string>(), h[1].get<int64_t>(), h[2].get<int64_t>()};
}

bool is_keras_tensor(const Json& v) { return v.is_object() && class_of(v) == "__keras_tensor__"; }

bool holds_keras_tensor(const Json& v) {
  if (is_keras_tensor(v)) return true;
  if (v.is_array() || v.is_object())
    for (const Json& e : v)
      if (holds_keras_tensor(e)) return true;
  return false;
}

// The tensors a node's positional args refer to, in order (Keras 3: a tensor or a list of
// tensors per argument).
void collect_args(const Json& v, std::vector<TensorKey>& out, const std::string& who) {
  if (is_keras_tensor(v)) {
    const Json& c = v.contains("config") ? v["config"] : Json();
    if (!c.is_object() || !c.contains("keras_history"))
      throw ValueError(str(who, ": a __keras_tensor__ without \"keras_history\": ", v.dump(), "."));
    out.push_back(history_key(c["keras_history"], who));
  } else if (v.is_array()) {
    for (const Json& e : v) collect_args(e, out, who);
  }
}

// The inbound tensors of one node, Keras 3 ({"args", "kwargs"}) or Keras 2 ([[name, i, j,
// kwargs], ...]) style.
std::vector<TensorKey> node_inputs(const Json& node, const std::string& who) {
  std::vector<TensorKey> keys;
  if (node.is_object()) {
    collect_args(node.contains("args") ? node["args"] : Json::array(), keys, who);
    if (node.contains("kwargs") && node["kwargs"].is_object())
      for (const auto& [key, value] : node["kwargs"].items()) {
        if (key == "training" || value.is_null()) continue;
        if (holds_keras_tensor(value) || key != "mask")
          throw ValueError(str(who, ": call argument \"", key, "\" = ", value.dump(),
                               " is not supported (merezha replays calls on positional inputs "
                               "only)."));
      }
  } else if (node.is_array()) {
    for (const Json& e : node) keys.push_back(history_key(e, who));
  } else {
    throw ValueError(str(who, ": expected an inbound node {\"args\": ..., \"kwargs\": ...}, got ",
                         node.dump(), "."));
  }
  return keys;
}

// input_layers / output_layers: one triple, a list of triples, or a dict of them.
std::vector<TensorKey> endpoint_keys(const Json& v, const std::string& who, bool& single) {
  std::vector<TensorKey> out;
  single = false;
  if (v.is_array() && v.size() == 3 && v[0].is_string()) {
    single = true;
    out.push_back(history_key(v, who));
  } else if (v.is_array() || v.is_object()) {
    for (const Json& e : v) out.push_back(history_key(e, who));
  } else {
    throw ValueError(str(who, ": expected [layer, node, tensor] triples, got ", v.dump(), "."));
  }
  if (out.empty()) throw ValueError(str(who, ": the list is empty."));
  return out;
}

std::shared_ptr<Model> functional_from_config(const Json& config, const std::string& who) {
  if (!config.contains("layers") || !config["layers"].is_array())
    throw ValueError(str(who, ": config \"layers\": expected a list, got ",
                         config.contains("layers") ? config["layers"].dump() : "nothing", "."));
  struct Entry {
    std::string name;
    LayerPtr layer;
    Json nodes;
  };
  std::vector<Entry> entries;
  std::map<std::string, std::size_t> by_name;
  std::map<TensorKey, KerasTensor> tensors;
  for (const Json& e : config["layers"]) {
    LayerPtr layer = make_layer(e);
    std::string name =
        e.contains("name") && e["name"].is_string() ? e["name"].get<std::string>() : layer->name();
    if (!by_name.emplace(name, entries.size()).second)
      throw ValueError(str(who, ": two layers are named \"", name, "\"."));
    Json nodes = e.contains("inbound_nodes") ? e["inbound_nodes"] : Json::array();
    if (!nodes.is_array())
      throw ValueError(str(who, ": layer \"", name, "\": inbound_nodes must be a list, got ",
                           nodes.dump(), "."));
    if (auto input = std::dynamic_pointer_cast<layers::InputLayer>(layer.get())) {
      auto node = std::make_shared<detail::SymbolicNode>();
      node->layer = input;
      node->num_outputs = 1;
      node->serial = detail::next_node_serial();
      tensors[{name, 0, 0}] = KerasTensor::make(input->batch_shape(), input->dtype(), node, 0);
      nodes = Json::array();
    }
    entries.push_back({name, layer, nodes});
  }
  // Replays the nodes, each layer's in order, re-queueing those whose inputs are not made yet.
  std::deque<std::pair<std::size_t, std::size_t>> pending;  // (entry, node index)
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (std::size_t j = 0; j < entries[i].nodes.size(); ++j) pending.emplace_back(i, j);
  std::vector<std::size_t> done(entries.size(), 0);
  while (!pending.empty()) {
    bool progress = false;
    for (std::size_t n = pending.size(); n > 0; --n) {
      auto [i, j] = pending.front();
      pending.pop_front();
      Entry& e = entries[i];
      const std::string where = str(who, ": layer \"", e.name, "\" node ", j);
      std::vector<TensorKey> keys = node_inputs(e.nodes[j], where);
      bool ready = done[i] == j;
      std::vector<KerasTensor> ins;
      for (const TensorKey& k : keys) {
        auto it = tensors.find(k);
        if (it == tensors.end()) {
          ready = false;
          break;
        }
        ins.push_back(it->second);
      }
      if (!ready || ins.empty()) {
        if (ready && ins.empty()) throw ValueError(str(where, ": the node has no input tensors."));
        pending.emplace_back(i, j);
        continue;
      }
      std::vector<KerasTensor> outs = detail::call_symbolic(e.layer.get(), ins);
      for (std::size_t k = 0; k < outs.size(); ++k)
        tensors[{e.name, static_cast<int64_t>(j), static_cast<int64_t>(k)}] = outs[k];
      ++done[i];
      progress = true;
    }
    if (!progress) {
      std::string names;
      for (const auto& [i, j] : pending)
        names += str(names.empty() ? "" : ", ", "'", entries[i].name, "' (node ", j, ")");
      throw ValueError(str(who, ": the graph has loops or disconnected nodes: cannot rebuild ",
                           names, "; their inputs are never made."));
    }
  }
  auto endpoints = [&](const char* key) {
    if (!config.contains(key)) throw ValueError(str(who, ": config has no \"", key, "\"."));
    bool single = false;
    std::vector<KerasTensor> list;
    for (const TensorKey& k : endpoint_keys(config[key], str(who, ": ", key), single)) {
      auto it = tensors.find(k);
      if (it == tensors.end())
        throw ValueError(str(who, ": ", key, " names ['", std::get<0>(k), "', ", std::get<1>(k),
                             ", ", std::get<2>(k), "], which no layer makes."));
      list.push_back(it->second);
    }
    KerasTensors out(list);
    out.single = single;
    return out;
  };
  KerasTensors ins = endpoints("input_layers"), outs = endpoints("output_layers");
  LayerCommon common = layer_common_from_config(config, who);
  auto model = std::make_shared<Model>(ins, outs, common);
  if (!common.trainable) model->set_trainable(false);
  return model;
}

// A shape from a build_config/batch_shape list (null -> -1).
Shape shape_from_json(const Json& v, const std::string& who) {
  if (!v.is_array()) throw ValueError(str(who, ": expected a shape list, got ", v.dump(), "."));
  std::vector<int64_t> dims;
  for (const Json& d : v) {
    if (d.is_null()) {
      dims.push_back(-1);
    } else if (d.is_number_integer() && d.get<int64_t>() >= 0) {
      dims.push_back(d.get<int64_t>());
    } else {
      throw ValueError(
          str(who, ": expected a shape of non-negative integers or null, got ", v.dump(), "."));
    }
  }
  return Shape(dims);
}

std::shared_ptr<Model> sequential_from_config(const Json& serialized, const Json& config,
                                              const std::string& who) {
  if (!config.contains("layers") || !config["layers"].is_array())
    throw ValueError(str(who, ": config \"layers\": expected a list, got ",
                         config.contains("layers") ? config["layers"].dump() : "nothing", "."));
  std::vector<LayerPtr> list;
  for (const Json& e : config["layers"]) list.push_back(make_layer(e));
  LayerCommon common = layer_common_from_config(config, who);
  auto model = std::make_shared<Sequential>(std::move(list), common);
  if (!model->built()) {
    const Json* shape = nullptr;
    if (config.contains("build_input_shape") && config["build_input_shape"].is_array())
      shape = &config["build_input_shape"];
    else if (serialized.contains("build_config") && serialized["build_config"].is_object() &&
             serialized["build_config"].contains("input_shape") &&
             serialized["build_config"]["input_shape"].is_array())
      shape = &serialized["build_config"]["input_shape"];
    if (shape && !model->layers().empty())
      model->maybe_build({shape_from_json(*shape, str(who, ": build_input_shape"))});
  }
  if (!common.trainable) model->set_trainable(false);
  return model;
}

// A loss from a name or an envelope.
LossPtr loss_from_json(const Json& v, const std::string& who) {
  if (v.is_string()) return get_loss(v.get<std::string>());
  if (v.is_object()) return loss_from_config(v);
  throw ValueError(
      str(who, ": \"loss\": expected a name or {\"class_name\": ...}, got ", v.dump(), "."));
}

MetricSpec metric_from_json(const Json& v, const std::string& who) {
  if (v.is_string()) return MetricSpec(v.get<std::string>());
  if (v.is_object() && v.contains("class_name") && v["class_name"].is_string())
    return MetricSpec(v["class_name"].get<std::string>());
  throw ValueError(
      str(who, ": \"metrics\": expected names or {\"class_name\": ...}, got ", v.dump(), "."));
}

std::vector<MetricSpec> metric_list(const Json& v, const std::string& who) {
  std::vector<MetricSpec> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return {metric_from_json(v, who)};
  for (const Json& m : v) out.push_back(metric_from_json(m, who));
  return out;
}

Json envelope(const char* module, const std::string& class_name, Json config) {
  return {{"module", module},
          {"class_name", class_name},
          {"config", std::move(config)},
          {"registered_name", nullptr}};
}

}  // namespace

std::shared_ptr<Model> Model::from_config(const Json& serialized) {
  const std::string cls = class_of(serialized);
  const std::string who = str("Model.from_config: ", cls.empty() ? "model" : cls);
  if (!is_model_class(cls))
    throw ValueError(
        str("Model.from_config: expected class_name \"Sequential\", \"Functional\" "
            "or \"Model\", got ",
            serialized.is_object() && serialized.contains("class_name")
                ? serialized["class_name"].dump()
                : std::string("none"),
            "."));
  const Json config = serialized.contains("config") ? serialized["config"] : Json::object();
  if (!config.is_object())
    throw ValueError(str(who, ": \"config\" must be a dict, got ", config.dump(), "."));
  if (cls == "Sequential") return sequential_from_config(serialized, config, who);
  return functional_from_config(config, who);
}

Json Model::compile_config() const {
  if (!compiled_) return nullptr;
  Json c;
  c["optimizer"] = envelope("keras.optimizers", optimizer_->class_name(), optimizer_->config());
  auto loss_json = [](const LossPtr& l) -> Json {
    if (!l) return nullptr;
    return envelope("keras.losses", l->class_name(), l->config());
  };
  if (losses_.size() == 1) {
    c["loss"] = loss_json(losses_[0]);
  } else {
    c["loss"] = Json::array();
    for (const LossPtr& l : losses_) c["loss"].push_back(loss_json(l));
  }
  bool plain_weights = true;
  for (double w : loss_weights_) plain_weights = plain_weights && w == 1.0;
  c["loss_weights"] = plain_weights ? Json(nullptr) : Json(loss_weights_);
  auto metric_json = [](const MetricSpec& m) -> Json {
    if (m.get()) return envelope("keras.metrics", m.get()->class_name(), m.get()->config());
    return m.name();
  };
  bool same = true;
  for (const auto& list : metric_specs_) {
    same = same && list.size() == metric_specs_[0].size();
    for (std::size_t i = 0; same && i < list.size(); ++i)
      same = metric_json(list[i]) == metric_json(metric_specs_[0][i]);
  }
  Json metrics = nullptr;
  if (!metric_specs_.empty() && same && !metric_specs_[0].empty()) {
    metrics = Json::array();
    for (const MetricSpec& m : metric_specs_[0]) metrics.push_back(metric_json(m));
  } else if (!same) {
    metrics = Json::array();
    for (const auto& list : metric_specs_) {
      Json one = Json::array();
      for (const MetricSpec& m : list) one.push_back(metric_json(m));
      metrics.push_back(one);
    }
  }
  c["metrics"] = metrics;
  c["weighted_metrics"] = nullptr;
  c["run_eagerly"] = false;
  c["steps_per_execution"] = 1;
  c["jit_compile"] = false;
  return c;
}

CompileOptions compile_options_from_config(const Json& cc,
                                           const std::vector<std::string>& output_names) {
  const std::string who = "compile_config";
  if (!cc.is_object()) throw ValueError(str(who, ": expected a dict, got ", cc.dump(), "."));
  CompileOptions o;
  if (cc.contains("optimizer") && !cc["optimizer"].is_null())
    o.optimizer = optimizer_from_config(cc["optimizer"]);
  const Json loss = cc.contains("loss") ? cc["loss"] : Json();
  auto by_output = [&](const Json& dict, auto&& make) {
    using T = decltype(make(Json()));
    std::vector<T> out;
    for (const std::string& name : output_names)
      out.push_back(dict.contains(name) ? make(dict[name]) : make(Json()));
    return out;
  };
  auto one_loss = [&](const Json& v) -> LossSpec {
    return v.is_null() ? LossSpec() : LossSpec(loss_from_json(v, who));
  };
  if (loss.is_array()) {
    for (const Json& l : loss) o.losses.push_back(one_loss(l));
    if (o.losses.size() == 1) o.loss = o.losses[0], o.losses.clear();
  } else if (loss.is_object() && !loss.contains("class_name")) {
    o.losses = by_output(loss, one_loss);
  } else if (!loss.is_null()) {
    o.loss = one_loss(loss);
  }
  if (cc.contains("loss_weights") && !cc["loss_weights"].is_null()) {
    const Json& w = cc["loss_weights"];
    auto weight = [&](const Json& v) {
      if (v.is_null()) return 1.0;
      if (!v.is_number())
        throw ValueError(str(who, ": \"loss_weights\": expected numbers, got ", w.dump(), "."));
      return v.get<double>();
    };
    if (w.is_array())
      for (const Json& v : w) o.loss_weights.push_back(weight(v));
    else if (w.is_object())
      o.loss_weights = by_output(w, weight);
    else
      throw ValueError(
          str(who, ": \"loss_weights\": expected a list or dict, got ", w.dump(), "."));
  }
  if (cc.contains("metrics") && !cc["metrics"].is_null()) {
    const Json& m = cc["metrics"];
    bool nested = m.is_array() && !m.empty() && (m[0].is_array() || m[0].is_null());
    if (m.is_object() && !m.contains("class_name")) {
      o.output_metrics = by_output(m, [&](const Json& v) { return metric_list(v, who); });
    } else if (nested) {
      for (const Json& v : m) o.output_metrics.push_back(metric_list(v, who));
    } else {
      o.metrics = metric_list(m, who);
    }
  }
  if (cc.contains("weighted_metrics") && !cc["weighted_metrics"].is_null() &&
      !(cc["weighted_metrics"].is_array() && cc["weighted_metrics"].empty()))
    throw ValueError(str(who, ": \"weighted_metrics\" = ", cc["weighted_metrics"].dump(),
                         " is not supported by merezha's compile()."));
  return o;
}

}  // namespace mz
