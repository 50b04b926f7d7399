// BaseGlobalPooling: a max or mean over the spatial axes, and Keras's config.
#include "mz/nn/layers/base_global_pooling.h"

#include "mz/nn/layers/spatial_args.h"
#include "mz/ops/reduce.h"

namespace mz::layers {

BaseGlobalPooling::BaseGlobalPooling(std::string class_name, int spatial, Mode mode,
                                     GlobalPoolingOptions options)
    : Layer(std::move(class_name), LayerCommon{.name = std::move(options.name),
                                               .trainable = options.trainable,
                                               .dtype = options.dtype}),
      spatial_(spatial),
      mode_(mode),
      data_format_(std::move(options.data_format)),
      keepdims_(options.keepdims) {
  detail::expect_channels_last(data_format_, who());
}

std::vector<int> BaseGlobalPooling::spatial_axes(const Shape& x) const {
  detail::expect_rank(x, spatial_ + 2, detail::spatial_layout(spatial_), who());
  std::vector<int> axes;
  for (int i = 1; i <= spatial_; ++i) axes.push_back(i);
  return axes;
}

Tensor BaseGlobalPooling::call(const Tensor& x, bool /*training*/) {
  std::vector<int> axes = spatial_axes(x.shape());
  if (mode_ == Mode::max) {
    if (x.numel() == 0 && x.shape()[0] != 0)
      throw ShapeError(
          str(who(), ": cannot take the maximum over empty spatial axes: got ", x.shape(), "."));
    return max(x, axes, keepdims_);
  }
  return mean(x, axes, keepdims_);
}

Shape BaseGlobalPooling::compute_output_shape(const Shape& input_shape) {
  spatial_axes(input_shape);
  if (!keepdims_) return {input_shape[0], input_shape.back()};
  Shape out = Shape::filled(spatial_ + 2, 1);
  out[0] = input_shape[0];
  out[spatial_ + 1] = input_shape.back();
  return out;
}

Json BaseGlobalPooling::config() const {
  Json c = Layer::config();
  c["data_format"] = data_format_;
  c["keepdims"] = keepdims_;
  return c;
}

GlobalPoolingOptions BaseGlobalPooling::options_from_config(const Json& config,
                                                            const std::string& who) {
  LayerCommon common = layer_common_from_config(config, who);
  return GlobalPoolingOptions{
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who),
      .keepdims = config_get(config, "keepdims", false, who),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype};
}

}  // namespace mz::layers
