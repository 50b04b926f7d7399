// InputLayer: the declared input shape and dtype, its check on the data, its Keras config.
#include "mz/nn/layers/input_layer.h"

#include "mz/ops/shape.h"

namespace mz {
namespace layers {
namespace {

// A shape as Keras prints it, None for an unknown dimension: "(None, 784)".
std::string keras_shape(const Shape& shape) {
  std::string out = "(";
  for (int i = 0; i < shape.rank(); ++i)
    out += str(i ? ", " : "", shape[i] < 0 ? std::string("None") : std::to_string(shape[i]));
  return out + (shape.rank() == 1 ? ",)" : ")");
}

}  // namespace

InputLayer::InputLayer(const Shape& shape, InputOptions options)
    : Layer("InputLayer", LayerCommon{.name = options.name, .dtype = options.dtype}) {
  if (options.batch_size && *options.batch_size <= 0)
    throw ValueError(
        str(who(), ": batch_size must be positive: expected >= 1, got ", *options.batch_size, "."));
  for (int64_t d : shape)
    if (d <= 0 && d != -1)
      throw ValueError(
          str(who(), ": shape dimensions must be positive (or -1 for any): got ", shape, "."));
  if (shape.rank() + 1 > kMaxRank)
    throw ValueError(str(who(), ": shape has too many dimensions: expected at most ", kMaxRank - 1,
                         " after the batch one, got ", shape, "."));
  batch_shape_ = shape;
  batch_shape_.insert(0, options.batch_size ? *options.batch_size : -1);
  mark_built({batch_shape_});
}

Shape InputLayer::shape() const {
  Shape s = batch_shape_;
  s.erase(0);
  return s;
}

Tensor InputLayer::call(const Tensor& x, bool /*training*/) {
  bool fits = x.rank() == batch_shape_.rank();
  for (int i = 0; fits && i < x.rank(); ++i)
    fits = batch_shape_[i] < 0 || batch_shape_[i] == x.shape()[i];
  if (!fits)
    throw ShapeError(str(who(), ": input does not match the declared shape: expected ",
                         keras_shape(batch_shape_), ", got ", x.shape(), "."));
  if (is_floating(x.dtype()) && is_floating(dtype()) && x.dtype() != dtype())
    return cast(x, dtype());
  return x;
}

Json InputLayer::config() const {
  Json shape = Json::array();
  for (int64_t d : batch_shape_) shape.push_back(d < 0 ? Json(nullptr) : Json(d));
  return {
      {"batch_shape", shape}, {"dtype", dtype_name(dtype())}, {"sparse", false}, {"name", name()}};
}

std::shared_ptr<InputLayer> InputLayer::from_config(const Json& config) {
  const std::string who = "InputLayer.from_config";
  const char* key = config.contains("batch_shape") ? "batch_shape" : "batch_input_shape";
  if (!config.contains(key) || !config[key].is_array() || config[key].empty())
    throw ValueError(str(who,
                         ": config needs \"batch_shape\" (a list with the batch dimension "
                         "first), got ",
                         config.dump(), "."));
  if (config_get(config, "sparse", false, who))
    throw ValueError(str(who,
                         ": sparse inputs are not supported: expected \"sparse\": false, "
                         "got true."));
  Shape shape;
  std::optional<int64_t> batch;
  const Json& dims = config[key];
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (!dims[i].is_null() && !dims[i].is_number_integer())
      throw ValueError(
          str(who, ": config \"", key, "\": expected integers or null, got ", dims.dump(), "."));
    int64_t d = dims[i].is_null() ? -1 : dims[i].get<int64_t>();
    if (i == 0)
      batch = d < 0 ? std::nullopt : std::optional<int64_t>(d);
    else
      shape.push_back(d);
  }
  DType dtype = config.contains("dtype") ? dtype_from_config(config["dtype"], who) : DType::f32;
  return std::make_shared<InputLayer>(
      shape, InputOptions{.batch_size = batch,
                          .dtype = dtype,
                          .name = config_get<std::string>(config, "name", "", who)});
}

}  // namespace layers

KerasTensor Input(const Shape& shape, InputOptions options) {
  auto node = std::make_shared<detail::SymbolicNode>();
  auto layer = std::make_shared<layers::InputLayer>(shape, std::move(options));
  Shape batch_shape = layer->batch_shape();
  DType dtype = layer->dtype();
  node->layer = std::move(layer);
  node->num_outputs = 1;
  node->serial = detail::next_node_serial();
  return KerasTensor::make(batch_shape, dtype, std::move(node), 0);
}

}  // namespace mz
