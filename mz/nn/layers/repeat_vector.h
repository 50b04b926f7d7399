// RepeatVector: repeats each sample's vector n times along a new axis (Keras's
// layers.RepeatVector).
#pragma once

#include <cstdint>
#include <memory>

#include "mz/nn/layer.h"

namespace mz::layers {

// (batch, features) -> (batch, n, features). Throws ValueError for n < 1, ShapeError for an
// input that is not (batch, features).
class RepeatVector : public Layer {
 public:
  explicit RepeatVector(int64_t n, LayerCommon common = {});

  int64_t n() const { return n_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "n" plus the common ones.
  Json config() const override;
  static std::shared_ptr<RepeatVector> from_config(const Json& config);

 private:
  int64_t n_;
};

}  // namespace mz::layers
