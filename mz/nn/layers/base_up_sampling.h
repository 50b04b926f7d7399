// BaseUpSampling: what UpSampling1D/2D/3D share: each spatial axis repeated `size` times
// (nearest) or, for UpSampling2D, bilinear interpolation as Keras (TF's resize with half-pixel
// centres); the shape rule and the config. Each Keras class is a thin subclass in its own file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/nn/layer.h"

namespace mz::layers {

// (batch, s1.., sk, channels) -> (batch, s1 * size1, .., channels). Throws ValueError for a
// size below 1, a bad data_format (channels_first included) or interpolation, ShapeError for a
// wrong input rank.
class BaseUpSampling : public Layer {
 public:
  const std::vector<int64_t>& size() const { return size_; }
  const std::string& interpolation() const { return interpolation_; }

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "size" (an int for UpSampling1D, a list otherwise), "data_format" (2-D and
  // 3-D), "interpolation" (2-D only), plus the common ones.
  Json config() const override;

 protected:
  // class_name: the Keras class; spatial: 1, 2 or 3; size: one value or one per axis;
  // interpolation: "nearest", or "bilinear" (2-D only).
  BaseUpSampling(std::string class_name, int spatial, const std::vector<int64_t>& size,
                 std::string data_format, std::string interpolation, LayerCommon common);

 private:
  // out[.., o, ..] = lerp of x at source (o + 0.5) / f - 0.5 clamped to [0, n - 1] on `axis`.
  Tensor bilinear_axis(const Tensor& x, int axis, int64_t factor) const;

  int spatial_;
  std::vector<int64_t> size_;
  std::string data_format_, interpolation_;
};

}  // namespace mz::layers
