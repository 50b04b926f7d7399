// ExponentialDecay: Keras's schedule initial_learning_rate * decay_rate ^ (step / decay_steps).
#pragma once

#include <cstdint>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers::schedules {

// Keras's ExponentialDecay arguments after the three required ones.
struct ExponentialDecayOptions {
  bool staircase = false;  // floor(step / decay_steps): the rate drops in steps
  std::string name = "ExponentialDecay";
};

// lr(step) = initial_learning_rate * decay_rate ^ (step / decay_steps), the exponent floored
// when staircase. Throws ValueError unless decay_steps > 0.
// Example: SGD({.learning_rate = ExponentialDecay(0.1, 1000, 0.96)}).
class ExponentialDecay : public LearningRateSchedule {
 public:
  ExponentialDecay(double initial_learning_rate, int64_t decay_steps, double decay_rate,
                   ExponentialDecayOptions options = {});
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "ExponentialDecay"; }
  // Keys: initial_learning_rate, decay_steps, decay_rate, staircase, name.
  Json config() const override;

 private:
  double initial_learning_rate_;
  int64_t decay_steps_;
  double decay_rate_;
  ExponentialDecayOptions options_;
};

}  // namespace mz::optimizers::schedules
