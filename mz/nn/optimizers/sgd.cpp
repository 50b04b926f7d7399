// SGD: Keras's update rule in in-place ops (3-4 passes over each weight with momentum).
#include "mz/nn/optimizers/sgd.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::optimizers {

SGD::SGD(SGDOptions o)
    : Optimizer("SGD", o.learning_rate,
                {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}),
      momentum_(o.momentum),
      nesterov_(o.nesterov) {
  if (!(momentum_ >= 0.0 && momentum_ <= 1.0))
    throw ValueError(str(who(), ": momentum must be in [0, 1], got ", momentum_, "."));
}

void SGD::build(const std::vector<VariablePtr>& vars) {
  if (momentum_ == 0.0) return;
  for (const VariablePtr& v : vars) slots_.push_back(zeros_like(v->value));
}

void SGD::update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) {
  if (momentum_ == 0.0) {
    add_(var, grad, -lr);
    return;
  }
  Tensor& m = slots_[index];
  mul_(m, momentum_);  // m = momentum * m - lr * g
  add_(m, grad, -lr);
  if (nesterov_) {  // w += momentum * m - lr * g
    add_(var, m, momentum_);
    add_(var, grad, -lr);
  } else {
    add_(var, m);
  }
}

Json SGD::config() const {
  Json c = Optimizer::config();
  c["momentum"] = momentum_;
  c["nesterov"] = nesterov_;
  return c;
}

}  // namespace mz::optimizers
