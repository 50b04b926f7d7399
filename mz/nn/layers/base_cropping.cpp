// BaseCropping: slices of the spatial axes, the shape rule and Keras's config.
#include "mz/nn/layers/base_cropping.h"

namespace mz::layers {

BaseCropping::BaseCropping(std::string class_name, int spatial, const SpatialPairs& cropping,
                           int64_t fallback, std::string data_format, LayerCommon common)
    : Layer(std::move(class_name), std::move(common)),
      spatial_(spatial),
      data_format_(std::move(data_format)) {
  cropping_ = detail::per_axis_pairs(cropping, spatial_, fallback, "cropping", who());
  detail::expect_channels_last(data_format_, who());
}

Shape BaseCropping::cropped(const Shape& input_shape) const {
  detail::expect_rank(input_shape, spatial_ + 2, detail::spatial_layout(spatial_), who());
  Shape out = input_shape;
  for (int i = 0; i < spatial_; ++i) {
    if (out[i + 1] < 0) continue;
    const int64_t cut = cropping_[i].first + cropping_[i].second;
    if (cut >= out[i + 1])
      throw ShapeError(str(who(), ": cropping (", cropping_[i].first, ", ", cropping_[i].second,
                           ") leaves nothing of spatial axis ", i, " of input ", input_shape,
                           ": expected a total below ", out[i + 1], ", got ", cut, "."));
    out[i + 1] -= cut;
  }
  return out;
}

Tensor BaseCropping::call(const Tensor& x, bool /*training*/) {
  cropped(x.shape());
  Tensor y = x;
  for (int i = 0; i < spatial_; ++i)
    y = y.slice(i + 1, cropping_[i].first, x.shape()[i + 1] - cropping_[i].second);
  return y;
}

Shape BaseCropping::compute_output_shape(const Shape& input_shape) { return cropped(input_shape); }

Json BaseCropping::config() const {
  Json c = Layer::config();
  c["cropping"] = detail::pairs_json(cropping_);
  if (spatial_ > 1) c["data_format"] = data_format_;
  return c;
}

}  // namespace mz::layers
