// CosineDecay: the formulas of Keras's learning_rate_schedule.py.
#include "mz/nn/optimizers/schedules/cosine_decay.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace mz::optimizers::schedules {

CosineDecay::CosineDecay(double initial_learning_rate, int64_t decay_steps,
                         CosineDecayOptions options)
    : initial_learning_rate_(initial_learning_rate),
      decay_steps_(decay_steps),
      options_(std::move(options)) {
  if (decay_steps_ <= 0)
    throw ValueError(str("CosineDecay: decay_steps must be > 0, got ", decay_steps_, "."));
}

double CosineDecay::operator()(int64_t step) const {
  double s = static_cast<double>(step), d = static_cast<double>(decay_steps_);
  auto decay = [&](double at, double from) {
    double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * (at / d)));
    return from * ((1.0 - options_.alpha) * cosine + options_.alpha);
  };
  if (!options_.warmup_target) return decay(std::min(s, d), initial_learning_rate_);
  double target = *options_.warmup_target, warmup = static_cast<double>(options_.warmup_steps);
  s = std::min(s, d + warmup);
  if (s < warmup) return (target - initial_learning_rate_) * (s / warmup) + initial_learning_rate_;
  return decay(s - warmup, target);
}

Json CosineDecay::config() const {
  return {{"initial_learning_rate", initial_learning_rate_},
          {"decay_steps", decay_steps_},
          {"alpha", options_.alpha},
          {"name", options_.name},
          {"warmup_target", options_.warmup_target ? Json(*options_.warmup_target) : Json(nullptr)},
          {"warmup_steps", options_.warmup_steps}};
}

}  // namespace mz::optimizers::schedules
