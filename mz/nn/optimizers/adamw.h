// AdamW: Keras's Adam with decoupled weight decay (Loshchilov & Hutter), on by default.
#pragma once

#include <optional>
#include <string>

#include "mz/nn/optimizers/adam.h"

namespace mz::optimizers {

// Keras's AdamW(learning_rate, weight_decay, beta_1, beta_2, epsilon, amsgrad, clipnorm,
// clipvalue, global_clipnorm, name): weight_decay comes second and defaults to 0.004.
struct AdamWOptions {
  LearningRate learning_rate = 0.001;
  double weight_decay = 0.004;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
  bool amsgrad = false;
  std::optional<double> clipnorm = std::nullopt;
  std::optional<double> clipvalue = std::nullopt;
  std::optional<double> global_clipnorm = std::nullopt;
  std::string name = "adamw";
};

// Each step first decays w -= w * weight_decay * lr, then applies Adam's rule (adam.h).
class AdamW : public Adam {
 public:
  explicit AdamW(AdamWOptions options = {});
};

}  // namespace mz::optimizers
