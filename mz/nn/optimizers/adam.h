// Adam: Keras's adaptive moment estimation, with the AMSGrad variant. AdamW (adamw.h) is Adam
// with decoupled weight decay on by default.
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/optimizer.h"

namespace mz::optimizers {

// Keras's Adam(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay, clipnorm,
// clipvalue, global_clipnorm, name).
struct AdamOptions {
  LearningRate learning_rate = 0.001;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  std::optional<double> weight_decay = std::nullopt;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "adam";
};

// At step t (1-based): alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t);
// m += (g - m) * (1 - beta_1); v += (g^2 - v) * (1 - beta_2); with amsgrad v_hat = max(v_hat, v)
// replaces v below; w -= alpha * m / (sqrt(v) + epsilon). epsilon sits outside the square
// root and inside the bias correction, as Keras has it (PyTorch differs slightly).
// Slots: momentums, then velocities, then velocity_hats (amsgrad), one per variable each.
class Adam : public Optimizer {
 public:
  explicit Adam(AdamOptions options = {});
  // Base keys plus beta_1, beta_2, epsilon, amsgrad.
  Json config() const override;

 protected:
  // The same rule under another Keras class name (AdamW).
  Adam(std::string class_name, const AdamOptions& options);
  void build(const std::vector<VariablePtr>& vars) override;
  void update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) override;

 private:
  double beta_1_, beta_2_, epsilon_;
  bool amsgrad_;
  std::size_t count_ = 0;  // variables built for
};

}  // namespace mz::optimizers
