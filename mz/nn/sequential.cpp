// Sequential: a linear stack of layers. An InputLayer first fixes the input shape, so the
// model builds as layers are added; otherwise it builds at the first call and, as Keras 3
// does, makes the InputLayer then.
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"

namespace mz {
namespace {

// Keras's shape text: "(None, 784)".
std::string keras_shape(const Shape& shape) {
  std::string out = "(";
  for (int i = 0; i < shape.rank(); ++i)
    out += str(i ? ", " : "", shape[i] < 0 ? std::string("None") : std::to_string(shape[i]));
  return out + (shape.rank() == 1 ? ",)" : ")");
}

// A shape as a JSON list, null for an unknown dimension: [null, 784].
Json shape_json(const Shape& shape) {
  Json out = Json::array();
  for (int64_t d : shape) out.push_back(d < 0 ? Json(nullptr) : Json(d));
  return out;
}

// Keras's serialize_keras_object for a layer: {"module", "class_name", "config",
// "registered_name", "build_config"} (build_config only for layers built from a shape).
Json serialize_layer(const Layer& layer) {
  Json out = {{"module", dynamic_cast<const Model*>(&layer) ? "keras" : "keras.layers"},
              {"class_name", layer.class_name()},
              {"config", layer.config()},
              {"registered_name", nullptr}};
  const std::vector<Shape>& shapes = layer.build_shapes();
  if (layer.built() && !shapes.empty() && !dynamic_cast<const layers::InputLayer*>(&layer)) {
    Json input_shape = Json::array();
    if (shapes.size() == 1) {
      input_shape = shape_json(shapes[0]);
    } else {
      for (const Shape& s : shapes) input_shape.push_back(shape_json(s));
    }
    out["build_config"] = {{"input_shape", input_shape}};
  }
  return out;
}

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
  for (const LayerPtr& layer : layers_) h = (*layer)(h, training);
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
