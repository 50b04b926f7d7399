// PolynomialDecay: Keras's schedule from initial_learning_rate to end_learning_rate along
// (1 - step / decay_steps) ^ power.
#pragma once

#include <cstdint>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers::schedules {

// Keras's PolynomialDecay arguments after the two required ones.
struct PolynomialDecayOptions {
  double end_learning_rate = 0.0001;
  double power = 1.0;
  bool cycle = false;  // restart with decay_steps * ceil(step / decay_steps) instead of stopping
  std::string name = "PolynomialDecay";
};

// lr(step) = (initial - end) * (1 - s / d) ^ power + end, with s = min(step, decay_steps) and
// d = decay_steps; when cycle, s = step and d = decay_steps * ceil(step / decay_steps) (1 at
// step 0). Throws ValueError unless decay_steps > 0.
class PolynomialDecay : public LearningRateSchedule {
 public:
  PolynomialDecay(double initial_learning_rate, int64_t decay_steps,
                  PolynomialDecayOptions options = {});
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "PolynomialDecay"; }
  // Keys: initial_learning_rate, decay_steps, end_learning_rate, power, cycle, name.
  Json config() const override;

 private:
  double initial_learning_rate_;
  int64_t decay_steps_;
  PolynomialDecayOptions options_;
};

}  // namespace mz::optimizers::schedules
