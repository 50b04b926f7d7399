// Graph: the walk back from the outputs (Keras's map_graph: traversal order, node depths,
// layers by depth), its checks with the layer names, the slot plan that run() executes, and
// the functional config.
#include "mz/nn/functional.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model_utils.h"

namespace mz::detail {
namespace {

using NodePtr = std::shared_ptr<SymbolicNode>;

bool is_input_node(const SymbolicNode& node) {
  return dynamic_cast<const layers::InputLayer*>(node.layer.get()) != nullptr;
}

std::string quoted_names(const std::vector<KerasTensor>& ts) {
  std::string out;
  for (std::size_t i = 0; i < ts.size(); ++i)
    out += str(i ? (i + 1 == ts.size() ? " and " : ", ") : "", "'", ts[i].layer()->name(), "'");
  return out;
}

}  // namespace

Graph::Graph(const KerasTensors& inputs_given, const KerasTensors& outputs_given,
             const std::string& who)
    : inputs_(inputs_given.list),
      outputs_(outputs_given.list),
      who_(who),
      single_input_(inputs_given.single),
      single_output_(outputs_given.single) {
  const std::vector<KerasTensor>& inputs = inputs_;
  const std::vector<KerasTensor>& outputs = outputs_;
  if (inputs.empty()) throw ValueError(str(who, ": a model needs at least one input, got none."));
  if (outputs.empty())
    throw ValueError(str(who, ": a model needs at least one output, got none."));
  std::unordered_set<const SymbolicNode*> input_nodes;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) throw ValueError(str(who, ": input ", i, " is undefined."));
    if (!is_input_node(*inputs[i].node()))
      throw ValueError(str(who, ": inputs must be tensors made by Input(), but input ", i,
                           " is the output of ", inputs[i].layer()->who(), "."));
    if (!input_nodes.insert(inputs[i].node().get()).second)
      throw ValueError(str(who, ": input '", inputs[i].layer()->name(),
                           "' is given twice; each input must appear once."));
  }

  // Keras's _build_map: depth-first from each output; layers numbered when first met
  // (pre-order), nodes listed when finished (post-order, a topological order).
  std::unordered_map<const Layer*, int> layer_index;
  std::vector<std::shared_ptr<Layer>> layer_by_index;
  std::unordered_set<const SymbolicNode*> finished, in_progress;
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    if (!outputs[o].defined()) throw ValueError(str(who, ": output ", o, " is undefined."));
    struct Frame {
      NodePtr node;
      std::size_t next = 0;
    };
    std::vector<Frame> stack;
    auto visit = [&](const NodePtr& node) {
      if (finished.count(node.get())) return;
      if (in_progress.count(node.get()))
        throw ValueError(str(who, ": the graph has a cycle through ", node->layer->who(), "."));
      if (layer_index.emplace(node->layer.get(), static_cast<int>(layer_by_index.size())).second)
        layer_by_index.push_back(node->layer);
      if (is_input_node(*node) && !input_nodes.count(node.get()))
        throw ValueError(str(who, ": output ", o, " ('", outputs[o].name(),
                             "') is not connected to the model's inputs: it depends on Input '",
                             node->layer->name(), "', which is not among them (",
                             quoted_names(inputs), "). Pass it in inputs, or build the output "
                             "from the inputs given."));
      in_progress.insert(node.get());
      stack.push_back({node});
    };
    visit(outputs[o].node());
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next < top.node->inputs.size()) {
        visit(top.node->inputs[top.next++].node());
        continue;
      }
      in_progress.erase(top.node.get());
      finished.insert(top.node.get());
      nodes_.push_back(top.node);
      stack.pop_back();
    }
  }
  for (const KerasTensor& x : inputs)
    if (!finished.count(x.node().get()))
      throw ValueError(str(who, ": input '", x.layer()->name(),
                           "' is not used: no output depends on it. Remove it from the inputs "
                           "or connect it to an output."));

  // Node depths (outputs 0, a node one deeper than its deepest consumer; a shared layer at
  // the depth of its deepest node), then layers by decreasing depth, ties in traversal order.
  std::unordered_map<const SymbolicNode*, int> node_depth;
  std::unordered_map<const Layer*, int> layer_depth;
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) {
    const SymbolicNode* node = it->get();
    int depth = std::max(node_depth[node], layer_depth[node->layer.get()]);
    layer_depth[node->layer.get()] = depth;
    node_depth[node] = depth;
    for (const KerasTensor& in : node->inputs) {
      int& d = node_depth[in.node().get()];
      d = std::max(d, depth + 1);
    }
  }
  std::vector<std::shared_ptr<Layer>> ordered = layer_by_index;
  std::stable_sort(ordered.begin(), ordered.end(), [&](const auto& a, const auto& b) {
    int da = layer_depth[a.get()], db = layer_depth[b.get()];
    return da != db ? da > db : layer_index[a.get()] < layer_index[b.get()];
  });
  std::map<std::string, int> name_uses;
  for (const auto& layer : ordered) {
    if (++name_uses[layer->name()] == 2)
      throw ValueError(str(who, ": layer names must be unique in a model: \"", layer->name(),
                           "\" names two layers. Pass another name to one of them."));
    layers_.push_back(LayerPtr(layer));
  }

  // Slots: inputs first, then the outputs of each node in topological order.
  std::unordered_map<const void*, int> slot;
  auto add_slot = [&](const void* id) {
    slot.emplace(id, static_cast<int>(slot_ids_.size()));
    slot_ids_.push_back(id);
  };
  for (const KerasTensor& x : inputs) add_slot(x.id());
  std::map<const Layer*, std::vector<const SymbolicNode*>> layer_nodes;
  for (const NodePtr& node : nodes_) layer_nodes[node->layer.get()].push_back(node.get());
  for (auto& [layer, list] : layer_nodes)
    std::sort(list.begin(), list.end(),
              [](const SymbolicNode* a, const SymbolicNode* b) { return a->serial < b->serial; });
  // The tensors of each node, by output index, as its consumers and the model's outputs
  // know them (an output nobody reads gets no slot).
  std::unordered_map<const SymbolicNode*, std::vector<const void*>> node_outputs;
  auto note = [&](const KerasTensor& t) {
    auto& outs = node_outputs[t.node().get()];
    outs.resize(static_cast<std::size_t>(t.node()->num_outputs), nullptr);
    outs[static_cast<std::size_t>(t.output_index())] = t.id();
  };
  for (const NodePtr& node : nodes_)
    for (const KerasTensor& in : node->inputs) note(in);
  for (const KerasTensor& t : outputs) note(t);
  for (const NodePtr& node : nodes_) {
    if (is_input_node(*node)) continue;
    Step step;
    step.layer = node->layer;
    const auto& list = layer_nodes[node->layer.get()];
    step.node_index =
        static_cast<int>(std::find(list.begin(), list.end(), node.get()) - list.begin());
    for (const KerasTensor& in : node->inputs) step.in.push_back(slot.at(in.id()));
    std::vector<const void*>& outs = node_outputs[node.get()];
    outs.resize(static_cast<std::size_t>(node->num_outputs), nullptr);
    for (const void* id : outs) {
      if (id) add_slot(id);
      step.out.push_back(id ? slot.at(id) : -1);
    }
    steps_.push_back(std::move(step));
  }
  for (const KerasTensor& x : inputs) input_slots_.push_back(slot.at(x.id()));
  for (const KerasTensor& t : outputs) output_slots_.push_back(slot.at(t.id()));
  last_use_.assign(slot_ids_.size(), -1);
  for (std::size_t i = 0; i < steps_.size(); ++i)
    for (int in : steps_[i].in) last_use_[static_cast<std::size_t>(in)] = static_cast<int>(i);
  for (int out : output_slots_) last_use_[static_cast<std::size_t>(out)] = -2;  // kept
}

std::vector<Tensor> Graph::run(const std::vector<Tensor>& xs, bool training) const {
  if (xs.size() != input_slots_.size())
    throw ValueError(str(who_, ": expected ", input_slots_.size(), " input",
                         input_slots_.size() == 1 ? "" : "s", " (", quoted_names(inputs_),
                         "), got ", xs.size(), "."));
  std::vector<Tensor> value(slot_ids_.size()), mask(slot_ids_.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    // The InputLayer checks the shape (naming itself) and casts floating data to its dtype.
    value[static_cast<std::size_t>(input_slots_[i])] = (*inputs_[i].layer())(xs[i], training);
  }
  std::vector<Tensor> ins, in_masks, outs, out_masks;
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    const Step& step = steps_[i];
    ins.clear();
    in_masks.clear();
    bool any_mask = false;
    for (int in : step.in) {
      ins.push_back(value[static_cast<std::size_t>(in)]);
      in_masks.push_back(mask[static_cast<std::size_t>(in)]);
      any_mask = any_mask || in_masks.back().defined();
    }
    if (!any_mask && !step.layer->supports_masking()) {
      outs = (*step.layer)(ins, training);
      out_masks.clear();
    } else {
      outs = step.layer->call_with_masks(ins, in_masks, training, &out_masks);
    }
    if (outs.size() != step.out.size())
      throw ValueError(str(who_, ": ", step.layer->who(), " made ", outs.size(),
                           " outputs, but ", step.out.size(),
                           " when the model was built; a layer's outputs must not change in "
                           "number between calls."));
    for (std::size_t k = 0; k < outs.size(); ++k) {
      int o = step.out[k];
      if (o < 0) continue;
      value[static_cast<std::size_t>(o)] = std::move(outs[k]);
      mask[static_cast<std::size_t>(o)] = k < out_masks.size() ? out_masks[k] : Tensor{};
    }
    for (int in : step.in)  // frees what no later step reads
      if (last_use_[static_cast<std::size_t>(in)] == static_cast<int>(i)) {
        value[static_cast<std::size_t>(in)] = Tensor{};
        mask[static_cast<std::size_t>(in)] = Tensor{};
      }
  }
  std::vector<Tensor> result;
  for (int o : output_slots_) result.push_back(value[static_cast<std::size_t>(o)]);
  return result;
}

std::vector<std::string> Graph::connected_to(const Layer& layer) const {
  std::vector<std::string> out;
  std::size_t s = 0;
  for (const NodePtr& node : nodes_) {
    if (is_input_node(*node)) continue;
    const Step& step = steps_[s++];
    if (step.layer.get() != &layer) continue;
    for (const KerasTensor& in : node->inputs) {
      Json h = history(in);
      out.push_back(str(h[0].get<std::string>(), "[", h[1].get<int>(), "][", h[2].get<int>(), "]"));
    }
  }
  return out;
}

bool Graph::sequential_like() const {
  if (inputs_.size() != 1 || outputs_.size() != 1) return false;
  std::set<const Layer*> seen;
  for (const Step& step : steps_)
    if (step.in.size() != 1 || step.out.size() != 1 || !seen.insert(step.layer.get()).second)
      return false;
  // A chain: each step reads what the one before it wrote.
  int prev = input_slots_[0];
  for (const Step& step : steps_) {
    if (step.in[0] != prev) return false;
    prev = step.out[0];
  }
  return true;
}

Json Graph::history(const KerasTensor& t) const {
  const SymbolicNode* node = t.node().get();
  int node_index = 0;
  std::size_t s = 0;
  for (const NodePtr& n : nodes_) {
    if (is_input_node(*n)) continue;
    if (n.get() == node) node_index = steps_[s].node_index;
    ++s;
  }
  return Json::array({t.layer()->name(), node_index, t.output_index()});
}

Json Graph::config() const {
  // A symbolic tensor as Keras serializes it in inbound_nodes.
  auto tensor_json = [&](const KerasTensor& t) {
    return Json{{"class_name", "__keras_tensor__"},
                {"config",
                 {{"shape", shape_json(t.shape())},
                  {"dtype", dtype_name(t.dtype())},
                  {"keras_history", history(t)}}}};
  };
  Json layer_list = Json::array();
  for (const LayerPtr& layer : layers_) {
    Json entry = serialize_layer(*layer);
    entry["name"] = layer->name();
    Json inbound = Json::array();
    std::vector<std::pair<int, const SymbolicNode*>> mine;
    std::size_t s = 0;
    for (const NodePtr& node : nodes_) {
      if (is_input_node(*node)) continue;
      if (steps_[s].layer.get() == layer.get().get()) mine.emplace_back(steps_[s].node_index, node.get());
      ++s;
    }
    std::sort(mine.begin(), mine.end());
    for (const auto& [index, node] : mine) {
      // Keras: one positional argument, a tensor or a list of tensors.
      Json arg;
      if (node->inputs.size() == 1) {
        arg = tensor_json(node->inputs[0]);
      } else {
        arg = Json::array();
        for (const KerasTensor& in : node->inputs) arg.push_back(tensor_json(in));
      }
      inbound.push_back({{"args", Json::array({arg})}, {"kwargs", Json::object()}});
    }
    entry["inbound_nodes"] = inbound;
    layer_list.push_back(std::move(entry));
  }
  auto histories = [&](const std::vector<KerasTensor>& ts, bool single) {
    if (single) return history(ts[0]);
    Json out = Json::array();
    for (const KerasTensor& t : ts) out.push_back(history(t));
    return out;
  };
  return {{"layers", layer_list},
          {"input_layers", histories(inputs_, single_input_)},
          {"output_layers", histories(outputs_, single_output_)}};
}

}  // namespace mz::detail
