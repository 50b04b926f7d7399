// BaseZeroPadding: mz::pad on the spatial axes, the shape rule and Keras's config.
#include "mz/nn/layers/base_zero_padding.h"

#include "mz/ops/index.h"

namespace mz::layers {

BaseZeroPadding::BaseZeroPadding(std::string class_name, int spatial, ZeroPaddingOptions options)
    : Layer(std::move(class_name), LayerCommon{.name = std::move(options.name),
                                               .trainable = options.trainable,
                                               .dtype = options.dtype}),
      spatial_(spatial),
      data_format_(std::move(options.data_format)) {
  padding_ = detail::per_axis_pairs(options.padding, spatial_, 1, "padding", who());
  detail::expect_channels_last(data_format_, who());
}

Tensor BaseZeroPadding::call(const Tensor& x, bool /*training*/) {
  detail::expect_rank(x.shape(), spatial_ + 2, detail::spatial_layout(spatial_), who());
  std::vector<std::pair<int64_t, int64_t>> pads{{0, 0}};
  pads.insert(pads.end(), padding_.begin(), padding_.end());
  pads.push_back({0, 0});
  return pad(x, pads);
}

Shape BaseZeroPadding::compute_output_shape(const Shape& input_shape) {
  detail::expect_rank(input_shape, spatial_ + 2, detail::spatial_layout(spatial_), who());
  Shape out = input_shape;
  for (int i = 0; i < spatial_; ++i)
    if (out[i + 1] >= 0) out[i + 1] += padding_[i].first + padding_[i].second;
  return out;
}

Json BaseZeroPadding::config() const {
  Json c = Layer::config();
  c["padding"] = detail::pairs_json(padding_);
  if (spatial_ > 1) c["data_format"] = data_format_;
  return c;
}

ZeroPaddingOptions BaseZeroPadding::options_from_config(const Json& config, int spatial,
                                                        const std::string& who) {
  LayerCommon common = layer_common_from_config(config, who);
  return ZeroPaddingOptions{
      .padding = detail::config_pairs(config, "padding", spatial, who),
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype};
}

}  // namespace mz::layers
