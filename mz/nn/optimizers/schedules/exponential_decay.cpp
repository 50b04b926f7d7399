// ExponentialDecay: the formula of Keras's learning_rate_schedule.py.
#include "mz/nn/optimizers/schedules/exponential_decay.h"

#include <cmath>

namespace mz::optimizers::schedules {

ExponentialDecay::ExponentialDecay(double initial_learning_rate, int64_t decay_steps,
                                   double decay_rate, ExponentialDecayOptions options)
    : initial_learning_rate_(initial_learning_rate),
      decay_steps_(decay_steps),
      decay_rate_(decay_rate),
      options_(std::move(options)) {
  if (decay_steps_ <= 0)
    throw ValueError(str("ExponentialDecay: decay_steps must be > 0, got ", decay_steps_, "."));
}

double ExponentialDecay::operator()(int64_t step) const {
  double p = static_cast<double>(step) / static_cast<double>(decay_steps_);
  if (options_.staircase) p = std::floor(p);
  return initial_learning_rate_ * std::pow(decay_rate_, p);
}

Json ExponentialDecay::config() const {
  return {{"initial_learning_rate", initial_learning_rate_},
          {"decay_steps", decay_steps_},
          {"decay_rate", decay_rate_},
          {"staircase", options_.staircase},
          {"name", options_.name}};
}

}  // namespace mz::optimizers::schedules
