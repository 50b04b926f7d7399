// SGD: Keras's gradient descent, with optional momentum and Nesterov momentum.
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers {

// Keras's SGD(learning_rate, momentum, nesterov, weight_decay, clipnorm, clipvalue,
// global_clipnorm, name).
struct SGDOptions {
  LearningRate learning_rate = 0.01;
  double momentum = 0.0;
  bool nesterov = false;
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "SGD";
};

// w -= lr * g; with momentum: m = momentum * m - lr * g, then w += m, or with nesterov
// w += momentum * m - lr * g. Slots: one momentum per variable (only when momentum != 0).
// Throws ValueError unless 0 <= momentum <= 1.
// Example: SGD({.learning_rate = 0.01, .momentum = 0.9}).
class SGD : public Optimizer {
 public:
  explicit SGD(SGDOptions options = {});
  // Base keys plus momentum, nesterov.
  Json config() const override;

 protected:
  void build(const std::vector<VariablePtr>& vars) override;
  void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) override;

 private:
  double momentum_;
  bool nesterov_;
};

}  // namespace mz::optimizers
