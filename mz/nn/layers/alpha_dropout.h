// AlphaDropout: dropout that keeps the mean and variance of SELU activations (Keras's
// layers.AlphaDropout).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's AlphaDropout(rate, noise_shape, seed), then the common layer fields.
struct AlphaDropoutOptions {
  // The shape of the keep/drop mask, broadcast over the input; -1 takes the input's size
  // (Keras's None). Empty: one draw per element.
  std::vector<int64_t> noise_shape{};
  std::optional<int64_t> seed{};  // a seed gives the layer its own generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ...) -> same shape. In training, each element (or noise_shape cell) is set with
// probability rate to SELU's saturation alpha' = -scale * alpha, then the affine a * x + b
// restores the mean and variance: a = ((1 - rate) * (1 + rate * alpha'^2))^-1/2,
// b = -a * alpha' * rate (Keras's formula). The identity in inference. Throws ValueError unless
// 0 <= rate < 1, ShapeError when noise_shape does not broadcast to the input.
class AlphaDropout : public Layer {
 public:
  explicit AlphaDropout(double rate, AlphaDropoutOptions options = {});

  double rate() const { return rate_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras's keys: "rate", "seed", "noise_shape" (null when none) plus the common ones.
  Json config() const override;
  static std::shared_ptr<AlphaDropout> from_config(const Json& config);

  // The layer's own generator when seeded (BackupAndRestore saves and restores it).
  std::vector<Generator*> generators() override {
    return generator_ ? std::vector<Generator*>{&*generator_} : std::vector<Generator*>{};
  }
 private:
  double rate_;
  std::vector<int64_t> noise_shape_;
  std::optional<int64_t> seed_;
  std::optional<Generator> generator_;  // set when seeded
};

}  // namespace mz::layers
