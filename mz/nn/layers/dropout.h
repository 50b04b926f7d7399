// Dropout: zeroes inputs at random while training, scaling the rest (Keras's layers.Dropout).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's Dropout(rate, noise_shape, seed), then the common layer fields.
struct DropoutOptions {
  // The shape of the keep/drop mask, broadcast over the input; -1 takes the input's size
  // (Keras's None). Empty: one draw per element.
  std::vector<int64_t> noise_shape{};
  // A seed gives the layer its own generator; none draws from the default generator.
  std::optional<int64_t> seed{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ...) -> same shape. In training, each element (or each noise_shape cell) is zeroed
// with probability rate and the rest scaled by 1 / (1 - rate); the identity in inference.
// Throws ValueError unless 0 <= rate < 1, ShapeError when noise_shape does not broadcast.
class Dropout : public Layer {
 public:
  explicit Dropout(double rate, DropoutOptions options = {});

  double rate() const { return rate_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override { return input_shape; }
  // Keras's keys: "rate", "seed", "noise_shape" (null when none) plus the common ones.
  Json config() const override;
  static std::shared_ptr<Dropout> from_config(const Json& config);
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
