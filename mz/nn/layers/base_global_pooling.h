// BaseGlobalPooling: what GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D share
// (Keras's BaseGlobalPooling): the reduction over every spatial axis, keepdims, data_format,
// the shape rule and the config. Each Keras class is a thin subclass in its own file.
#pragma once

#include <string>

#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's GlobalMaxPooling*/GlobalAveragePooling*(data_format, keepdims), then the common
// layer fields.
struct GlobalPoolingOptions {
  std::string data_format = "channels_last";  // channels_first is rejected
  bool keepdims = false;                      // keep the spatial axes as size 1
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, s1.., sk, channels) -> (batch, channels), or (batch, 1.., 1, channels) with
// keepdims: the max or mean over every spatial axis. Throws ValueError for a bad data_format
// (channels_first included), ShapeError for a wrong input rank.
class BaseGlobalPooling : public Layer {
 public:
  enum class Mode { max, average };

  bool keepdims() const { return keepdims_; }

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "data_format", "keepdims" plus the common ones.
  Json config() const override;

 protected:
  // class_name: the Keras class; spatial: 1, 2 or 3.
  BaseGlobalPooling(std::string class_name, int spatial, Mode mode, GlobalPoolingOptions options);
  static GlobalPoolingOptions options_from_config(const Json& config, const std::string& who);
  // Checks x's rank (naming the layer) and returns the spatial axes, 1..k.
  std::vector<int> spatial_axes(const Shape& x) const;

 private:
  int spatial_;
  Mode mode_;
  std::string data_format_;
  bool keepdims_;
};

}  // namespace mz::layers
