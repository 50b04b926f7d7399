// Sequential: a linear stack of layers. An InputLayer first fixes the input shape, so the
// model builds as layers are added; otherwise it builds at the first call and, as Keras 3
// does, makes the InputLayer then.
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/model_utils.h"

namespace mz {

using detail::keras_shape;
using detail::serialize_layer;
using detail::shape_json;

namespace {

const layers::InputLayer* as_input(const Layer& layer) {
  return dynamic_cast<const layers::InputLayer*>(&layer);
}

}  // namespace

Sequential::Sequential(std::vector<LayerPtr> layers, LayerCommon common)
    : Model(std::move(common), "Sequential") {
  for (LayerPtr& layer : layers) add(std::move(layer));
}

void Sequential::add(LayerPtr layer) {
  if (!layer.get()) throw ValueError(str(who(), ": add: expected a layer, got a null pointer."));
  if (as_input(*layer)) {
    if (input_layer_)
      throw ValueError(str(who(), ": add: the model already takes inputs of shape ",
                           keras_shape(as_input(*input_layer_)->batch_shape()),
                           "; a second Input cannot be added."));
    if (!layers_.empty())
      throw ValueError(
          str(who(), ": add: an Input must come first, got it after ", layers_.size(), " layers."));
    input_layer_ = layer.get();
    maybe_rebuild();
    return;
  }
  for (const LayerPtr& other : layers_)
    if (other->name() == layer->name() && other.get() != layer.get())
      throw ValueError(str(who(), ": add: layer names must be unique in a model: \"", layer->name(),
                           "\" is already the name of a layer. Pass another name."));
  layers_.push_back(std::move(layer));
  maybe_rebuild();
}

void Sequential::pop() {
  if (layers_.empty()) throw ValueError(str(who(), ": pop: there are no layers to remove."));
  layers_.pop_back();
  maybe_rebuild();
}

void Sequential::maybe_rebuild() {
  if (!input_layer_ || layers_.empty()) return;
  const Shape& shape = as_input(*input_layer_)->batch_shape();
  build(shape);
  mark_built({shape});
}

void Sequential::build(const Shape& input_shape) {
  if (layers_.empty())
    throw ValueError(str(who(), ": cannot build a model with no layers: add() a layer first."));
  if (input_layer_) {
    const Shape& declared = as_input(*input_layer_)->batch_shape();
    bool same = declared.rank() == input_shape.rank();
    for (int i = 1; same && i < declared.rank(); ++i) same = declared[i] == input_shape[i];
    if (!same)
      throw ValueError(str(who(), ": the model takes inputs of shape ", keras_shape(declared),
                           "; cannot build it for ", keras_shape(input_shape), "."));
  } else {
    if (input_shape.rank() == 0)
      throw ValueError(str(who(),
                           ": build: expected an input shape with a batch dimension, "
                           "got ()."));
    Shape features = input_shape;
    features.erase(0);
    InputOptions options;
    options.dtype = layers_.front()->dtype();
    if (input_shape[0] >= 0) options.batch_size = input_shape[0];
    input_layer_ = std::make_shared<layers::InputLayer>(features, options);
  }
  Shape shape = as_input(*input_layer_)->batch_shape();
  for (const LayerPtr& layer : layers_) {
    layer->maybe_build({shape});
    shape = layer->compute_output_shape(shape);
  }
}

Tensor Sequential::call(const Tensor& x, bool training) {
  // The InputLayer checks the shape (naming both) and casts to its dtype.
  Tensor h = input_layer_ ? (*input_layer_)(x, training) : x;
  Tensor mask;  // Keras's mask propagation: made by Embedding(mask_zero), Masking, ...
  std::vector<Tensor> out_masks;
  for (const LayerPtr& layer : layers_) {
    if (!mask.defined() && !layer->supports_masking()) {
      h = (*layer)(h, training);
      continue;
    }
    h = layer->call_with_masks({h}, {mask}, training, &out_masks).at(0);
    mask = out_masks.empty() ? Tensor{} : out_masks[0];
  }
  return h;
}

Shape Sequential::compute_output_shape(const Shape& input_shape) {
  Shape shape = input_shape;
  for (const LayerPtr& layer : layers_) shape = layer->compute_output_shape(shape);
  return shape;
}

Json Sequential::config() const {
  Json c = Layer::config();
  Json list = Json::array();
  if (input_layer_) list.push_back(serialize_layer(*input_layer_));
  for (const LayerPtr& layer : layers_) list.push_back(serialize_layer(*layer));
  c["layers"] = std::move(list);
  if (input_layer_ && !layers_.empty() && built())
    c["build_input_shape"] = shape_json(as_input(*input_layer_)->batch_shape());
  return c;
}

}  // namespace mz
