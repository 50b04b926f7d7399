// CosineDecay: Keras's cosine decay (SGDR without restarts) with an optional linear warmup.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers::schedules {

// Keras's CosineDecay arguments after the two required ones, in Keras's order.
struct CosineDecayOptions {
  double alpha = 0.0;  // the final rate as a fraction of the rate the decay starts from
  std::string name = "CosineDecay";
  // None: no warmup, the decay starts from initial_learning_rate.
  std::optional<double> warmup_target = std::nullopt;
  int64_t warmup_steps = 0;
};

// Without warmup_target: s = min(step, decay_steps), lr = initial * ((1 - alpha) * c + alpha)
// with c = 0.5 * (1 + cos(pi * s / decay_steps)). With it: s = min(step, warmup_steps +
// decay_steps); while s < warmup_steps, lr rises linearly from initial to warmup_target
// (initial + (target - initial) * s / warmup_steps); then the decay above runs from
// warmup_target over s - warmup_steps. Throws ValueError unless decay_steps > 0.
class CosineDecay : public LearningRateSchedule {
 public:
  CosineDecay(double initial_learning_rate, int64_t decay_steps, CosineDecayOptions options = {});
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "CosineDecay"; }
  // Keys: initial_learning_rate, decay_steps, alpha, name, warmup_target, warmup_steps.
  Json config() const override;

 private:
  double initial_learning_rate_;
  int64_t decay_steps_;
  CosineDecayOptions options_;
};

}  // namespace mz::optimizers::schedules
