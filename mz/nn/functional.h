// The graph of a functional model (Model(inputs, outputs)): found once, by walking back from
// the outputs, checked (inputs from Input(), every output connected to the inputs, every input
// used, no cycle, unique layer names), and then run in topological order on every call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mz/nn/config.h"
#include "mz/nn/layer.h"

namespace mz::detail {

class Graph {
 public:
  // `who` names the model in messages ("Functional 'functional'").
  Graph(const KerasTensors& inputs, const KerasTensors& outputs, const std::string& who);

  // Runs the graph: one tensor per input, in order; returns one per output. Masks made on the
  // way (Embedding(mask_zero), Masking) reach the layers that use them.
  std::vector<Tensor> run(const std::vector<Tensor>& xs, bool training) const;

  const std::vector<KerasTensor>& inputs() const { return inputs_; }
  const std::vector<KerasTensor>& outputs() const { return outputs_; }
  // Keras's model.layers: every layer once, InputLayers included, ordered by depth (inputs
  // first), ties in traversal order.
  const std::vector<LayerPtr>& layers() const { return layers_; }
  // "Connected to" for summary(): the inbound tensors of a layer's nodes, as
  // "dense[0][0]" (layer, node index, tensor index); empty for an InputLayer.
  std::vector<std::string> connected_to(const Layer& layer) const;
  // Whether every layer has one node with one input and one output, chained (Keras prints
  // such a graph as a sequential one).
  bool sequential_like() const;
  // Keras 3's functional config entries: "layers" (each with "inbound_nodes"),
  // "input_layers" and "output_layers".
  Json config() const;

 private:
  struct Step {
    std::shared_ptr<Layer> layer;
    std::vector<int> in, out;  // slots
    int node_index = 0;        // which call of the layer, within this graph
  };
  // [layer name, node index, tensor index] of a tensor.
  Json history(const KerasTensor& t) const;

  std::vector<KerasTensor> inputs_, outputs_;
  std::vector<Step> steps_;  // topological order (InputLayer nodes excluded)
  std::vector<const void*> slot_ids_;  // KerasTensor ids, by slot
  std::vector<int> input_slots_, output_slots_;
  std::vector<int> last_use_;  // per slot: the last step reading it (-1: none)
  std::vector<LayerPtr> layers_;
  std::vector<std::shared_ptr<SymbolicNode>> nodes_;  // all nodes, InputLayer ones included
  std::string who_;
  bool single_input_ = false, single_output_ = false;  // given as one tensor, not a list
};

}  // namespace mz::detail
