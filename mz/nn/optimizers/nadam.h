// Nadam: Keras's Adam with Nesterov momentum (Dozat 2015).
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers {

// Keras's Nadam(learning_rate, beta_1, beta_2, epsilon, weight_decay, clipnorm, clipvalue,
// global_clipnorm, name).
struct NadamOptions {
  LearningRate learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "nadam";
};

// At step t: u_t = beta_1 * (1 - 0.5 * 0.96^t); the momentum cache P_t = u_1 * ... * u_t (once
// per step, shared by all variables); m += (g - m) * (1 - beta_1); v += (g^2 - v) * (1 - beta_2);
// m_hat = u_{t+1} * m / (1 - P_t * u_{t+1}) + (1 - u_t) * g / (1 - P_t);
// v_hat = v / (1 - beta_2^t); w -= lr * m_hat / (sqrt(v_hat) + epsilon).
// NOTE: Keras 3 decays with 0.96^t; PyTorch's NAdam uses 0.96^(0.004 t) (its momentum_decay),
// as did tf.keras 2's legacy Nadam. Slots: momentums, velocities, then the cache P (a scalar,
// Keras's u_product). P_t is a function of t alone, computed in float64 from iterations(), so
// an optimizer restored at any step (set_state, a checkpoint) continues bit-identically; the
// P slot is written at each step for saving and is not read back.
class Nadam : public Optimizer {
 public:
  explicit Nadam(NadamOptions options = {});
  // Base keys plus beta_1, beta_2, epsilon.
  Json config() const override;

 protected:
  void build(const std::vector<VariablePtr>& vars) override;
  void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) override;

 private:
  // P_t for step t >= 1 (from the last one computed, or from P_0 = 1 after a jump in t).
  double momentum_cache(int64_t t);

  double beta_1_, beta_2_, epsilon_;
  std::size_t count_ = 0;
  double u_product_ = 1.0;      // P_t for t = u_product_step_
  int64_t u_product_step_ = 0;  // the t of u_product_
};

}  // namespace mz::optimizers
