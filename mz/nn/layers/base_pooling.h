// BasePooling: what MaxPooling1D/2D/3D and AveragePooling1D/2D/3D share (Keras's BasePooling):
// pool_size, strides, padding and data_format, the call into mz::max_pool / mz::avg_pool, the
// shape rule and the config. Each Keras class is a thin subclass in its own file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's MaxPooling*/AveragePooling*(pool_size, strides, padding, data_format), then the
// common layer fields.
struct PoolingOptions {
  // Window per spatial axis; one value for every axis; empty: 2 on every axis (Keras's default).
  std::vector<int64_t> pool_size{};
  // Step per spatial axis (or one for all); empty: pool_size (Keras's None).
  std::vector<int64_t> strides{};
  std::string padding = "valid";  // "valid" or "same" (TF's rule; averages skip the padding)
  std::string data_format = "channels_last";  // channels_first is rejected
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, s1.., sk, channels) -> (batch, o1.., ok, channels), k = 1..3, with o = floor((s -
// pool) / stride) + 1 ("valid") or ceil(s / stride) ("same"). Throws ValueError for a bad
// padding, data_format (channels_first included) or size, ShapeError for a wrong input rank or
// a window larger than a "valid" input.
class BasePooling : public Layer {
 public:
  enum class Mode { max, average };

  const std::vector<int64_t>& pool_size() const { return pool_size_; }
  const std::vector<int64_t>& strides() const { return strides_; }
  const std::string& padding() const { return padding_; }

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "pool_size", "padding", "strides", "data_format" plus the common ones.
  Json config() const override;

 protected:
  // class_name: the Keras class; spatial: 1, 2 or 3.
  BasePooling(std::string class_name, int spatial, Mode mode, PoolingOptions options);
  // The options a Keras config describes (for the subclasses' from_config).
  static PoolingOptions options_from_config(const Json& config, int spatial,
                                            const std::string& who);

 private:
  int spatial_;
  Mode mode_;
  std::vector<int64_t> pool_size_, strides_;
  std::string padding_, data_format_;
};

}  // namespace mz::layers
