// Flatten: collapses every axis after the batch one (Keras's layers.Flatten).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's Flatten(data_format), then the common layer fields.
struct FlattenOptions {
  // "channels_last" or "channels_first"; channels_first inputs of rank >= 3 are moved to
  // channels last before flattening, so the order matches a channels_last model's.
  std::string data_format = "channels_last";
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, d1, ..., dn) -> (batch, d1 * ... * dn); (batch,) -> (batch, 1). Throws ValueError
// for an unknown data_format.
class Flatten : public Layer {
 public:
  explicit Flatten(FlattenOptions options = {});

  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "data_format" plus the common ones.
  Json config() const override;
  static std::shared_ptr<Flatten> from_config(const Json& config);

 private:
  std::string data_format_;
};

}  // namespace mz::layers
