// GaussianNoise: additive zero-centred Gaussian noise while training (Keras's
// layers.GaussianNoise).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mz/core/generator.h"
#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's GaussianNoise(stddev, seed), then the common layer fields.
struct GaussianNoiseOptions {
  std::optional<int64_t> seed{};  // a seed gives the layer its own generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ...) -> same shape: x + N(0, stddev^2) per element in training, the identity in
// inference. Throws ValueError unless 0 <= stddev <= 1 (Keras's range).
class GaussianNoise : public Layer {
 public:
  explicit GaussianNoise(double stddev, GaussianNoiseOptions options = {});

  double stddev() const { return stddev_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras's keys: "stddev", "seed" plus the common ones.
  Json config() const override;
  static std::shared_ptr<GaussianNoise> from_config(const Json& config);

  // The layer's own generator when seeded (BackupAndRestore saves and restores it).
  std::vector<Generator*> generators() override {
    return generator_ ? std::vector<Generator*>{&*generator_} : std::vector<Generator*>{};
  }
 private:
  double stddev_;
  std::optional<int64_t> seed_;
  std::optional<Generator> generator_;  // set when seeded
};

}  // namespace mz::layers
