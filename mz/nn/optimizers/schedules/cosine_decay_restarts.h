// CosineDecayRestarts: Keras's SGDR schedule, cosine decay with warm restarts.
#pragma once

#include <cstdint>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers::schedules {

// Keras's CosineDecayRestarts arguments after the two required ones.
struct CosineDecayRestartsOptions {
  double t_mul = 2.0;  // each period is t_mul times longer than the one before
  double m_mul = 1.0;  // each restart starts at m_mul times the previous start rate
  double alpha = 0.0;  // the lowest rate as a fraction of initial_learning_rate
  std::string name = "SGDRDecay";
};

// With f = step / first_decay_steps, the period i = floor(f) (t_mul 1) or
// floor(log(1 - f (1 - t_mul)) / log(t_mul)) and the fraction done in it
// f' = f - i, or (f - (1 - t_mul^i) / (1 - t_mul)) / t_mul^i;
// lr = initial * ((1 - alpha) * 0.5 * m_mul^i * (1 + cos(pi f')) + alpha).
// Throws ValueError unless first_decay_steps > 0.
class CosineDecayRestarts : public LearningRateSchedule {
 public:
  CosineDecayRestarts(double initial_learning_rate, int64_t first_decay_steps,
                      CosineDecayRestartsOptions options = {});
  double operator()(int64_t step) const override;
  std::string class_name() const override { return "CosineDecayRestarts"; }
  // Keys: initial_learning_rate, first_decay_steps, t_mul, m_mul, alpha, name.
  Json config() const override;

 private:
  double initial_learning_rate_;
  int64_t first_decay_steps_;
  CosineDecayRestartsOptions options_;
};

}  // namespace mz::optimizers::schedules
