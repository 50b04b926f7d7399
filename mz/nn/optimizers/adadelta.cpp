// Adadelta: Keras's update rule in ops.
#include "mz/nn/optimizers/adadelta.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::optimizers {

Adadelta::Adadelta(AdadeltaOptions o)
    : Optimizer("Adadelta", o.learning_rate,
                {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}),
      rho_(o.rho),
      epsilon_(o.epsilon) {}

void Adadelta::build(const std::vector<VariablePtr>& vars) {
  count_ = vars.size();
  for (int kind = 0; kind < 2; ++kind)
    for (const VariablePtr& v : vars) slots_.push_back(zeros_like(v->value));
}

void Adadelta::update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) {
  Tensor& grads_sq = slots_[index];            // accumulated_grad
  Tensor& deltas_sq = slots_[count_ + index];  // accumulated_delta_var
  mul_(grads_sq, rho_);
  add_(grads_sq, square(grad), 1.0 - rho_);
  // minus Keras's delta_var: sqrt(a_d + eps) * g / sqrt(a_g + eps)
  Tensor step = div(mul(sqrt(deltas_sq + epsilon_), grad), sqrt(grads_sq + epsilon_));
  mul_(deltas_sq, rho_);
  add_(deltas_sq, square(step), 1.0 - rho_);
  add_(var, step, -lr);
}

Json Adadelta::config() const {
  Json c = Optimizer::config();
  c["rho"] = rho_;
  c["epsilon"] = epsilon_;
  return c;
}

}  // namespace mz::optimizers
