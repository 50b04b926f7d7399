// GaussianDropout: multiplicative one-centred Gaussian noise while training (Keras's
// layers.GaussianDropout).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mz/core/generator.h"
#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's GaussianDropout(rate, seed), then the common layer fields.
struct GaussianDropoutOptions {
  std::optional<int64_t> seed{};  // a seed gives the layer its own generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ...) -> same shape: x * N(1, rate / (1 - rate)) per element in training (standard
// deviation sqrt(rate / (1 - rate))), the identity in inference. Throws ValueError unless
// 0 <= rate < 1 (Keras accepts 1, which gives an infinite deviation).
class GaussianDropout : public Layer {
 public:
  explicit GaussianDropout(double rate, GaussianDropoutOptions options = {});

  double rate() const { return rate_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras's keys: "rate", "seed" plus the common ones.
  Json config() const override;
  static std::shared_ptr<GaussianDropout> from_config(const Json& config);

  // The layer's own generator when seeded (BackupAndRestore saves and restores it).
  std::vector<Generator*> generators() override {
    return generator_ ? std::vector<Generator*>{&*generator_} : std::vector<Generator*>{};
  }
 private:
  double rate_;
  std::optional<int64_t> seed_;
  std::optional<Generator> generator_;  // set when seeded
};

}  // namespace mz::layers
