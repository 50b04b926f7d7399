// Adagrad: Keras's adaptive gradient, per-parameter rates from the sum of squared gradients.
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers {

// Keras's Adagrad(learning_rate, initial_accumulator_value, epsilon, weight_decay, clipnorm,
// clipvalue, global_clipnorm, name).
struct AdagradOptions {
  LearningRate learning_rate = 0.001;
  double initial_accumulator_value = 0.1;
  double epsilon = 1e-7;
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "adagrad";
};

// acc += g^2 (acc starts at initial_accumulator_value); w -= lr * g / sqrt(acc + epsilon).
// Slots: one accumulator per variable. Throws ValueError if initial_accumulator_value < 0.
class Adagrad : public Optimizer {
 public:
  explicit Adagrad(AdagradOptions options = {});
  // Base keys plus initial_accumulator_value, epsilon.
  Json config() const override;

 protected:
  void build(const std::vector<VariablePtr>& vars) override;
  void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) override;

 private:
  double initial_accumulator_value_, epsilon_;
};

}  // namespace mz::optimizers
