// RMSprop: Keras's update rule in ops.
#include "mz/nn/optimizers/rmsprop.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::optimizers {

RMSprop::RMSprop(RMSpropOptions o)
    : Optimizer("RMSprop", o.learning_rate,
                {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}),
      rho_(o.rho),
      momentum_(o.momentum),
      epsilon_(o.epsilon),
      centered_(o.centered) {}

void RMSprop::build(const std::vector<VariablePtr>& vars) {
  count_ = vars.size();
  int kinds = 1 + (momentum_ > 0.0) + centered_;
  for (int kind = 0; kind < kinds; ++kind)
    for (const VariablePtr& v : vars) slots_.push_back(zeros_like(v->value));
}

void RMSprop::update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) {
  Tensor& velocity = slots_[index];
  mul_(velocity, rho_);  // v = rho * v + (1 - rho) * g^2
  add_(velocity, square(grad), 1.0 - rho_);
  Tensor denom;
  if (centered_) {
    Tensor& average = slots_[(momentum_ > 0.0 ? 2 : 1) * count_ + index];
    mul_(average, rho_);  // a = rho * a + (1 - rho) * g
    add_(average, grad, 1.0 - rho_);
    denom = velocity - square(average);
    add_(denom, epsilon_);
  } else {
    denom = velocity + epsilon_;
  }
  Tensor increment = div(grad, sqrt(denom));  // times lr below
  if (momentum_ > 0.0) {
    Tensor& m = slots_[count_ + index];
    mul_(m, momentum_);  // m = momentum * m + lr * g / sqrt(d); w -= m
    add_(m, increment, lr);
    add_(var, m, -1.0);
  } else {
    add_(var, increment, -lr);
  }
}

Json RMSprop::config() const {
  Json c = Optimizer::config();
  c["rho"] = rho_;
  c["momentum"] = momentum_;
  c["epsilon"] = epsilon_;
  c["centered"] = centered_;
  return c;
}

}  // namespace mz::optimizers
