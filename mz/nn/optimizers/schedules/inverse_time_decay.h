// InverseTimeDecay: Keras's schedule initial_learning_rate / (1 + decay_rate * step / decay_steps).
#pragma once

#include <cstdint>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers::schedules {

// Keras's InverseTimeDecay arguments after the three required ones.
struct InverseTimeDecayOptions {
  bool staircase = false;  // floor(step / decay_steps)
  std::string name = "InverseTimeDecay";
};

// lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps), the quotient
// floored when staircase. Throws ValueError unless decay_steps > 0.
class InverseTimeDecay : public LearningRateSchedule {
 public:
  InverseTimeDecay(double initial_learning_rate, int64_t decay_steps, double decay_rate,
                   InverseTimeDecayOptions options = {});
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "InverseTimeDecay"; }
  // Keys: initial_learning_rate, decay_steps, decay_rate, staircase, name.
  Json config() const override;

 private:
  double initial_learning_rate_;
  int64_t decay_steps_;
  double decay_rate_;
  InverseTimeDecayOptions options_;
};

}  // namespace mz::optimizers::schedules
