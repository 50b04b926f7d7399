// Adadelta: Keras's adaptive learning rate from running averages of squared gradients and
// squared updates (Zeiler 2012).
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers {

// Keras's Adadelta(learning_rate, rho, epsilon, weight_decay, clipnorm, clipvalue,
// global_clipnorm, name).
struct AdadeltaOptions {
  LearningRate learning_rate = 0.001;
  double rho = 0.95;
  double epsilon = 1e-7;
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "adadelta";
};

// a_g = rho * a_g + (1 - rho) * g^2; d = -sqrt(a_d + eps) * g / sqrt(a_g + eps);
// a_d = rho * a_d + (1 - rho) * d^2; w += lr * d.
// Slots: accumulated_grads, then accumulated_delta_vars, one per variable each.
class Adadelta : public Optimizer {
 public:
  explicit Adadelta(AdadeltaOptions options = {});
  // Base keys plus rho, epsilon.
  Json config() const override;

 protected:
  void build(const std::vector<VariablePtr>& vars) override;
  void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) override;

 private:
  double rho_, epsilon_;
  std::size_t count_ = 0;
};

}  // namespace mz::optimizers
