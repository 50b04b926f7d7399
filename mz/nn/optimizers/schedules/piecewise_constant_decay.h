// PiecewiseConstantDecay: Keras's schedule that holds values[i] between boundaries[i-1] and
// boundaries[i].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers::schedules {

// Keras's PiecewiseConstantDecay arguments after the two required ones.
struct PiecewiseConstantDecayOptions {
  std::string name = "PiecewiseConstant";
};

// lr(step) = values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <=
// boundaries[i], values.back() after boundaries.back(). Throws ValueError unless values has one
// element more than boundaries.
// Example: PiecewiseConstantDecay({100000, 110000}, {1.0, 0.5, 0.1}).
class PiecewiseConstantDecay : public LearningRateSchedule {
 public:
  PiecewiseConstantDecay(std::vector<int64_t> boundaries, std::vector<double> values,
                         PiecewiseConstantDecayOptions options = {});
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "PiecewiseConstantDecay"; }
  // Keys: boundaries, values, name.
  Json config() const override;

 private:
  std::vector<int64_t> boundaries_;
  std::vector<double> values_;
  PiecewiseConstantDecayOptions options_;
};

}  // namespace mz::optimizers::schedules
