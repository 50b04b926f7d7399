// BaseZeroPadding: what ZeroPadding1D/2D/3D share: the (before, after) zeros per spatial axis,
// the call into mz::pad, the shape rule and the config. Each Keras class is a thin subclass in
// its own file.
#pragma once

#include <string>

#include "mz/nn/layer.h"
#include "mz/nn/layers/spatial_args.h"

namespace mz::layers {

// Keras's ZeroPadding*(padding, data_format), then the common layer fields.
struct ZeroPaddingOptions {
  // (before, after) zeros per spatial axis; one pair for every axis; empty: (1, 1) on every
  // axis (Keras's default). Keras's int form n is {{n, n}}.
  SpatialPairs padding{};
  std::string data_format = "channels_last";  // channels_first is rejected
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, s1.., sk, channels) -> (batch, s1 + before1 + after1, .., channels), zeros added
// around each spatial axis. Throws ValueError for negative amounts or a bad data_format
// (channels_first included), ShapeError for a wrong input rank.
class BaseZeroPadding : public Layer {
 public:
  const SpatialPairs& padding() const { return padding_; }

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "padding" ([before, after] for 1-D, [[before, after], ...] otherwise) and,
  // except for ZeroPadding1D (whose Keras versions differ there), "data_format".
  Json config() const override;

 protected:
  // class_name: the Keras class; spatial: 1, 2 or 3.
  BaseZeroPadding(std::string class_name, int spatial, ZeroPaddingOptions options);
  static ZeroPaddingOptions options_from_config(const Json& config, int spatial,
                                                const std::string& who);

 private:
  int spatial_;
  SpatialPairs padding_;
  std::string data_format_;
};

}  // namespace mz::layers
