// Lion: Keras's update rule in ops.
#include "mz/nn/optimizers/lion.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::optimizers {

Lion::Lion(LionOptions o)
    : Optimizer("Lion", o.learning_rate,
                {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}),
      beta_1_(o.beta_1),
      beta_2_(o.beta_2) {
  if (!(beta_1_ > 0.0 && beta_1_ <= 1.0))
    throw ValueError(str(who(), ": beta_1 must be in (0, 1], got ", beta_1_,
                         "; otherwise Lion degenerates to SignSGD."));
}

void Lion::build(const std::vector<VariablePtr>& vars) {
  for (const VariablePtr& v : vars) slots_.push_back(zeros_like(v->value));
}

void Lion::update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) {
  Tensor& m = slots_[index];
  Tensor c = m * beta_1_;  // w -= lr * sign(beta_1 * m + (1 - beta_1) * g)
  add_(c, grad, 1.0 - beta_1_);
  add_(var, sign(c), -lr);
  mul_(m, beta_2_);  // m = beta_2 * m + (1 - beta_2) * g
  add_(m, grad, 1.0 - beta_2_);
}

Json Lion::config() const {
  Json c = Optimizer::config();
  c["beta_1"] = beta_1_;
  c["beta_2"] = beta_2_;
  return c;
}

}  // namespace mz::optimizers
