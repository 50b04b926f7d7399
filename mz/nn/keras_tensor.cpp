// KerasTensor and the symbolic call of a layer: shapes and dtypes come from tracing the layer
// on zeros (batch 1), twice when a dimension is unknown, so every layer gets shape inference
// without writing it; the node keeps the layer alive for the Model built from it.
#include "mz/nn/keras_tensor.h"

#include <atomic>

#include "mz/core/grad_mode.h"
#include "mz/nn/layer.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/registry.h"
#include "mz/ops/creation.h"

namespace mz {

const Shape& KerasTensor::shape() const {
  if (!value_) throw ValueError("KerasTensor: shape of an undefined symbolic tensor.");
  return value_->shape;
}

DType KerasTensor::dtype() const {
  if (!value_) throw ValueError("KerasTensor: dtype of an undefined symbolic tensor.");
  return value_->dtype;
}

const std::shared_ptr<detail::SymbolicNode>& KerasTensor::node() const {
  if (!value_) throw ValueError("KerasTensor: node of an undefined symbolic tensor.");
  return value_->node;
}

const std::shared_ptr<Layer>& KerasTensor::layer() const { return node()->layer; }

int KerasTensor::output_index() const { return value_ ? value_->index : 0; }

std::string KerasTensor::name() const {
  const detail::SymbolicNode& n = *node();
  return n.num_outputs == 1 ? n.layer->name() : str(n.layer->name(), "_", value_->index);
}

KerasTensor::operator LayerPtr() const {
  if (!value_ || !dynamic_cast<const layers::InputLayer*>(value_->node->layer.get()))
    throw ValueError(str("Sequential: only a tensor made by Input() stands for a layer, got ",
                         value_ ? str("the output of ", value_->node->layer->who())
                                : std::string("an undefined tensor"),
                         "."));
  return LayerPtr(value_->node->layer);
}

KerasTensor KerasTensor::make(const Shape& shape, DType dtype,
                              std::shared_ptr<detail::SymbolicNode> node, int index) {
  KerasTensor t;
  t.value_ = std::make_shared<const Value>(Value{shape, dtype, std::move(node), index});
  return t;
}

namespace detail {

uint64_t next_node_serial() {
  static std::atomic<uint64_t> serial{0};
  return ++serial;
}

namespace {

// The probe values an unknown dimension takes in the two traces: an output dimension that
// differs between them depends on it, and is unknown too.
constexpr int64_t kProbeA = 16, kProbeB = 32;

std::vector<Tensor> trace(Layer& layer, const std::vector<KerasTensor>& inputs, int64_t probe) {
  std::vector<Tensor> zs;
  for (const KerasTensor& x : inputs) {
    Shape s = x.shape();
    for (int i = 0; i < s.rank(); ++i)
      if (s[i] < 0) s[i] = i == 0 ? 1 : probe;
    zs.push_back(zeros(s, {.dtype = x.dtype()}));
  }
  return layer.call_multi(zs, /*training=*/false);
}

// "(None, 4) from Dense 'dense' and (None, 5) from Dense 'dense_1'": the inbound layers.
std::string inbound_text(const std::vector<KerasTensor>& inputs) {
  std::string out;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Shape& s = inputs[i].shape();
    std::string shape = "(";
    for (int d = 0; d < s.rank(); ++d)
      shape += str(d ? ", " : "", s[d] < 0 ? std::string("None") : std::to_string(s[d]));
    shape += s.rank() == 1 ? ",)" : ")";
    out += str(i ? (i + 1 == inputs.size() ? " and " : ", ") : "", shape, " from ",
               inputs[i].layer()->who());
  }
  return out;
}

}  // namespace

std::vector<KerasTensor> call_symbolic(std::shared_ptr<Layer> owner,
                                       const std::vector<KerasTensor>& inputs) {
  Layer& layer = *owner;
  if (inputs.empty())
    throw ValueError(str(layer.who(), ": called on no symbolic tensors."));
  std::vector<Shape> shapes;
  bool unknown = false;
  for (const KerasTensor& x : inputs) {
    if (!x.defined()) throw ValueError(str(layer.who(), ": called on an undefined KerasTensor."));
    Shape s = x.shape();
    if (s.rank() > 0) s[0] = -1;
    for (int i = 1; i < s.rank(); ++i) unknown = unknown || s[i] < 0;
    shapes.push_back(s);
  }
  NoGrad no_grad;
  std::vector<Tensor> a, b;
  try {
    layer.maybe_build(shapes);
    a = trace(layer, inputs, kProbeA);
    b = unknown ? trace(layer, inputs, kProbeB) : a;
  } catch (const ShapeError& e) {
    throw ShapeError(str(e.what(), " Inputs: ", inbound_text(inputs), "."));
  } catch (const ValueError& e) {
    throw ValueError(str(e.what(), " Inputs: ", inbound_text(inputs), "."));
  }
  auto node = std::make_shared<SymbolicNode>();
  node->layer = std::move(owner);
  node->inputs = inputs;
  node->num_outputs = static_cast<int>(a.size());
  node->serial = next_node_serial();
  std::vector<KerasTensor> outputs;
  for (std::size_t i = 0; i < a.size(); ++i) {
    Shape s = a[i].shape();
    for (int d = 0; d < s.rank(); ++d)
      if (d == 0 || s[d] != b[i].shape()[d]) s[d] = -1;
    outputs.push_back(KerasTensor::make(s, a[i].dtype(), node, static_cast<int>(i)));
  }
  return outputs;
}

}  // namespace detail

// ----- Layer's symbolic calls -----

namespace {

// The layer's owner for a call as an lvalue: its shared_ptr, or a clear error.
std::shared_ptr<Layer> owner_of(Layer& layer) {
  std::shared_ptr<Layer> self = layer.weak_from_this().lock();
  if (!self)
    throw ValueError(str(layer.who(),
                         ": a layer called on symbolic tensors must be owned by a shared_ptr, so "
                         "the model can share it: make it with std::make_shared<",
                         layer.class_name(), ">(...) or keep it in a LayerPtr."));
  return self;
}

// A temporary layer's owned copy: the shared_ptr it already has, else a copy from its config
// (an unbuilt temporary has no weights to lose).
std::shared_ptr<Layer> owned_copy(Layer& layer) {
  if (std::shared_ptr<Layer> self = layer.weak_from_this().lock()) return self;
  if (layer.built() && !layer.weights().empty())
    throw ValueError(str(layer.who(),
                         ": a built temporary layer cannot join a graph (its weights would be "
                         "lost): keep it in a LayerPtr or std::make_shared."));
  try {
    return layer_from_config({{"class_name", layer.class_name()}, {"config", layer.config()}})
        .get();
  } catch (const ValueError& e) {
    throw ValueError(str(layer.who(),
                         ": a temporary layer called on symbolic tensors is copied through its "
                         "config, which failed (",
                         e.what(), "); make it with std::make_shared<", layer.class_name(),
                         ">(...) instead."));
  }
}

KerasTensor single(const Layer& layer, std::vector<KerasTensor> outs) {
  if (outs.size() != 1)
    throw ValueError(str(layer.who(), ": the call makes ", outs.size(),
                         " outputs; call the layer on a list ({x}) to get them all."));
  return outs[0];
}

}  // namespace

KerasTensor Layer::operator()(const KerasTensor& x) & {
  return single(*this, detail::call_symbolic(owner_of(*this), {x}));
}

KerasTensor Layer::operator()(const KerasTensor& x) && {
  std::shared_ptr<Layer> owner = owned_copy(*this);
  return single(*owner, detail::call_symbolic(owner, {x}));
}

std::vector<KerasTensor> Layer::operator()(const std::vector<KerasTensor>& xs) & {
  return detail::call_symbolic(owner_of(*this), xs);
}

std::vector<KerasTensor> Layer::operator()(const std::vector<KerasTensor>& xs) && {
  return detail::call_symbolic(owned_copy(*this), xs);
}

}  // namespace mz
