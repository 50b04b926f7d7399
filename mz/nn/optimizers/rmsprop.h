// RMSprop: Keras's root-mean-square propagation, with optional momentum and centering.
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers {

// Keras's RMSprop(learning_rate, rho, momentum, epsilon, centered, weight_decay, clipnorm,
// clipvalue, global_clipnorm, name).
struct RMSpropOptions {
  LearningRate learning_rate = 0.001;
  double rho = 0.9;
  double momentum = 0.0;
  double epsilon = 1e-7;
  bool centered = false;
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "rmsprop";
};

// v = rho * v + (1 - rho) * g^2; centered: a = rho * a + (1 - rho) * g and d = v - a^2 + eps,
// else d = v + eps; inc = lr * g / sqrt(d); with momentum: m = momentum * m + inc, w -= m;
// else w -= inc. epsilon sits inside the square root (Keras; PyTorch adds it outside).
// Slots: velocities, then momentums (momentum > 0), then average_gradients (centered).
class RMSprop : public Optimizer {
 public:
  explicit RMSprop(RMSpropOptions options = {});
  // Base keys plus rho, momentum, epsilon, centered.
  Json config() const override;

 protected:
  void build(const std::vector<VariablePtr>& vars) override;
  void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) override;

 private:
  double rho_, momentum_, epsilon_;
  bool centered_;
  std::size_t count_ = 0;
};

}  // namespace mz::optimizers
