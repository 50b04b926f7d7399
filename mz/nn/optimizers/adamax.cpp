// Adamax: Keras's update rule in ops.
#include "mz/nn/optimizers/adamax.h"

#include <cmath>

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::optimizers {

Adamax::Adamax(AdamaxOptions o)
    : Optimizer("Adamax", o.learning_rate,
                {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}),
      beta_1_(o.beta_1),
      beta_2_(o.beta_2),
      epsilon_(o.epsilon) {}

void Adamax::build(const std::vector<VariablePtr>& vars) {
  for (const VariablePtr& v : vars) {
    slots_.push_back(zeros_like(v->value));  // momentum
    slots_.push_back(zeros_like(v->value));  // norm
  }
}

void Adamax::update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) {
  double beta_1_power = std::pow(beta_1_, static_cast<double>(iterations_ + 1));
  Tensor& m = slots_[2 * index];
  Tensor& u = slots_[2 * index + 1];
  mul_(m, beta_1_);  // m += (g - m) * (1 - beta_1)
  add_(m, grad, 1.0 - beta_1_);
  mul_(u, beta_2_);  // u = max(beta_2 * u, |g|)
  u.copy_(maximum(u, abs(grad)));
  add_(var, div(m, u + epsilon_), -lr / (1.0 - beta_1_power));
}

Json Adamax::config() const {
  Json c = Optimizer::config();
  c["beta_1"] = beta_1_;
  c["beta_2"] = beta_2_;
  c["epsilon"] = epsilon_;
  return c;
}

}  // namespace mz::optimizers
