// PolynomialDecay: the formula of Keras's learning_rate_schedule.py.
#include "mz/nn/optimizers/schedules/polynomial_decay.h"

#include <algorithm>
#include <cmath>

namespace mz::optimizers::schedules {

PolynomialDecay::PolynomialDecay(double initial_learning_rate, int64_t decay_steps,
                                 PolynomialDecayOptions options)
    : initial_learning_rate_(initial_learning_rate),
      decay_steps_(decay_steps),
      options_(std::move(options)) {
  if (decay_steps_ <= 0)
    throw ValueError(str("PolynomialDecay: decay_steps must be > 0, got ", decay_steps_, "."));
}

double PolynomialDecay::operator()(int64_t step) const {
  double s = static_cast<double>(step), d = static_cast<double>(decay_steps_);
  if (options_.cycle)
    d *= step == 0 ? 1.0 : std::ceil(s / d);  // the first multiple of decay_steps >= step
  else
    s = std::min(s, d);
  double p = s / d;
  return (initial_learning_rate_ - options_.end_learning_rate) * std::pow(1.0 - p, options_.power) +
         options_.end_learning_rate;
}

Json PolynomialDecay::config() const {
  return {{"initial_learning_rate", initial_learning_rate_},
          {"decay_steps", decay_steps_},
          {"end_learning_rate", options_.end_learning_rate},
          {"power", options_.power},
          {"cycle", options_.cycle},
          {"name", options_.name}};
}

}  // namespace mz::optimizers::schedules
