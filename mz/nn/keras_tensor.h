// KerasTensor: a symbolic tensor of the functional API. Input() makes one; calling a layer on
// KerasTensors records a node (the layer and its inbound tensors) and returns its outputs, so
// Model(inputs, outputs) can find the graph by walking back from the outputs.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz {

class Layer;
class LayerPtr;
class KerasTensor;

namespace detail {

// One call of a layer on symbolic tensors (Keras's Node): the layer, what it was called on,
// and how many outputs the call made.
struct SymbolicNode {
  std::shared_ptr<Layer> layer;
  std::vector<KerasTensor> inputs;
  int num_outputs = 0;
  uint64_t serial = 0;  // creation order: a layer's nodes are numbered in it
};

// The next node serial (process-wide, increasing).
uint64_t next_node_serial();

}  // namespace detail

class KerasTensor {
 public:
  KerasTensor() = default;

  bool defined() const { return value_ != nullptr; }
  // The shape with the batch dimension first; -1 for an unknown dimension.
  const Shape& shape() const;
  int rank() const { return shape().rank(); }
  DType dtype() const;
  // "<layer name>" for a single-output layer, "<layer name>_<i>" otherwise (Keras's naming).
  std::string name() const;
  // Keras's keras_history: the layer that made it, and which output of that call it is.
  const std::shared_ptr<Layer>& layer() const;
  const std::shared_ptr<detail::SymbolicNode>& node() const;
  int output_index() const;
  // The identity of the value (for maps keyed by tensor).
  const void* id() const { return value_.get(); }

  // Input() tensors stand for their InputLayer in a Sequential: Sequential({Input({784}), ...}).
  operator LayerPtr() const;  // NOLINT: implicit on purpose

  // A tensor made by output `index` of `node`.
  static KerasTensor make(const Shape& shape, DType dtype,
                          std::shared_ptr<detail::SymbolicNode> node, int index);

 private:
  struct Value {
    Shape shape;
    DType dtype = DType::f32;
    std::shared_ptr<detail::SymbolicNode> node;
    int index = 0;
  };
  std::shared_ptr<const Value> value_;
};

// A list of KerasTensors that one tensor also converts to: Model(x, y) and Model({a, b}, {y}).
struct KerasTensors {
  KerasTensors() = default;
  KerasTensors(const KerasTensor& t) : list{t}, single(true) {}  // NOLINT: implicit on purpose
  KerasTensors(std::initializer_list<KerasTensor> ts) : list(ts) {}
  KerasTensors(std::vector<KerasTensor> ts) : list(std::move(ts)) {}  // NOLINT
  std::vector<KerasTensor> list;
  bool single = false;  // given as one tensor (Keras serializes it without the list)
};

namespace detail {

// Calls `layer` (owned by `owner`) on symbolic inputs: builds it for their shapes, infers the
// outputs' shapes and dtypes by tracing the layer on zeros, and records the node.
std::vector<KerasTensor> call_symbolic(std::shared_ptr<Layer> owner,
                                       const std::vector<KerasTensor>& inputs);

}  // namespace detail

}  // namespace mz
