// BaseCropping: what Cropping1D/2D/3D share: (before, after) cells cut from each spatial axis
// as a view (slices), the shape rule and the config. Each Keras class is a thin subclass in
// its own file.
#pragma once

#include <string>

#include "mz/nn/layer.h"
#include "mz/nn/layers/spatial_args.h"

namespace mz::layers {

// Keras's Cropping2D/Cropping3D(cropping, data_format), then the common layer fields.
struct CroppingOptions {
  // (before, after) cells cut per spatial axis; one pair for every axis; empty: Keras's
  // default ((0, 0) per axis for Cropping2D, (1, 1) for Cropping3D).
  SpatialPairs cropping{};
  std::string data_format = "channels_last";  // channels_first is rejected
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, s1.., sk, channels) -> (batch, s1 - before1 - after1, .., channels). Throws
// ValueError for negative amounts or a bad data_format (channels_first included), ShapeError
// for a wrong input rank or a cropping that leaves nothing of an axis.
class BaseCropping : public Layer {
 public:
  const SpatialPairs& cropping() const { return cropping_; }

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "cropping" ([before, after] for 1-D, [[before, after], ...] otherwise) and,
  // except for Cropping1D, "data_format".
  Json config() const override;

 protected:
  // class_name: the Keras class; spatial: 1, 2 or 3; fallback: each amount when `cropping` is
  // empty.
  BaseCropping(std::string class_name, int spatial, const SpatialPairs& cropping, int64_t fallback,
               std::string data_format, LayerCommon common);

 private:
  // The output shape; throws ShapeError when an axis would be cropped away.
  Shape cropped(const Shape& input_shape) const;

  int spatial_;
  SpatialPairs cropping_;
  std::string data_format_;
};

}  // namespace mz::layers
