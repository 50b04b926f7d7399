// Adamax: Keras's Adam variant on the infinity norm (Kingma & Ba, section 7.1).
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers {

// Keras's Adamax(learning_rate, beta_1, beta_2, epsilon, weight_decay, clipnorm, clipvalue,
// global_clipnorm, name).
struct AdamaxOptions {
  LearningRate learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "adamax";
};

// At step t: m += (g - m) * (1 - beta_1); u = max(beta_2 * u, |g|);
// w -= lr * m / ((1 - beta_1^t) * (u + epsilon)).
// Slots: momentum and norm per variable, interleaved (m0, u0, m1, u1, ...) as Keras makes them.
class Adamax : public Optimizer {
 public:
  explicit Adamax(AdamaxOptions options = {});
  // Base keys plus beta_1, beta_2, epsilon.
  Json config() const override;

 protected:
  void build(const std::vector<VariablePtr>& vars) override;
  void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) override;

 private:
  double beta_1_, beta_2_, epsilon_;
};

}  // namespace mz::optimizers
