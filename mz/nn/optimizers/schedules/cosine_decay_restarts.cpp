// CosineDecayRestarts: the formulas of Keras's learning_rate_schedule.py.
#include "mz/nn/optimizers/schedules/cosine_decay_restarts.h"

#include <cmath>
#include <numbers>

namespace mz::optimizers::schedules {

CosineDecayRestarts::CosineDecayRestarts(double initial_learning_rate, int64_t first_decay_steps,
                                         CosineDecayRestartsOptions options)
    : initial_learning_rate_(initial_learning_rate),
      first_decay_steps_(first_decay_steps),
      options_(std::move(options)) {
  if (first_decay_steps_ <= 0)
    throw ValueError(
        str("CosineDecayRestarts: first_decay_steps must be > 0, got ", first_decay_steps_, "."));
}

double CosineDecayRestarts::operator()(int64_t step) const {
  const double t_mul = options_.t_mul, alpha = options_.alpha;
  double fraction = static_cast<double>(step) / static_cast<double>(first_decay_steps_);
  double i_restart;
  if (t_mul == 1.0) {  // equal periods
    i_restart = std::floor(fraction);
    fraction -= i_restart;
  } else {  // periods growing geometrically: sum of the first i is (1 - t_mul^i) / (1 - t_mul)
    i_restart = std::floor(std::log(1.0 - fraction * (1.0 - t_mul)) / std::log(t_mul));
    double sum_r = (1.0 - std::pow(t_mul, i_restart)) / (1.0 - t_mul);
    fraction = (fraction - sum_r) / std::pow(t_mul, i_restart);
  }
  double m_fac = std::pow(options_.m_mul, i_restart);
  double cosine = 0.5 * m_fac * (1.0 + std::cos(std::numbers::pi * fraction));
  return initial_learning_rate_ * ((1.0 - alpha) * cosine + alpha);
}

Json CosineDecayRestarts::config() const {
  return {{"initial_learning_rate", initial_learning_rate_},
          {"first_decay_steps", first_decay_steps_},
          {"t_mul", options_.t_mul},
          {"m_mul", options_.m_mul},
          {"alpha", options_.alpha},
          {"name", options_.name}};
}

}  // namespace mz::optimizers::schedules
