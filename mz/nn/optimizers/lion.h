// Lion: Keras's evolved sign momentum optimizer (Chen et al. 2023).
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers {

// Keras's Lion(learning_rate, beta_1, beta_2, weight_decay, clipnorm, clipvalue,
// global_clipnorm, name).
struct LionOptions {
  LearningRate learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.99;
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "lion";
};

// w -= lr * sign(beta_1 * m + (1 - beta_1) * g); then m = beta_2 * m + (1 - beta_2) * g.
// Slots: one momentum per variable. Throws ValueError unless 0 < beta_1 <= 1.
class Lion : public Optimizer {
 public:
  explicit Lion(LionOptions options = {});
  // Base keys plus beta_1, beta_2.
  Json config() const override;

 protected:
  void build(const std::vector<VariablePtr>& vars) override;
  void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) override;

 private:
  double beta_1_, beta_2_;
};

}  // namespace mz::optimizers
