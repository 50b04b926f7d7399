// Adagrad: Keras's update rule in ops.
#include "mz/nn/optimizers/adagrad.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::optimizers {

Adagrad::Adagrad(AdagradOptions o)
    : Optimizer("Adagrad", o.learning_rate,
                {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}),
      initial_accumulator_value_(o.initial_accumulator_value),
      epsilon_(o.epsilon) {
  if (!(initial_accumulator_value_ >= 0.0))
    throw ValueError(str(who(), ": initial_accumulator_value must be >= 0, got ",
                         initial_accumulator_value_, "."));
}

void Adagrad::build(const std::vector<VariablePtr>& vars) {
  for (const VariablePtr& v : vars)
    slots_.push_back(full_like(v->value, initial_accumulator_value_));
}

void Adagrad::update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) {
  Tensor& accumulator = slots_[index];
  add_(accumulator, square(grad));  // acc += g^2; w -= lr * g / sqrt(acc + eps)
  add_(var, div(grad, sqrt(accumulator + epsilon_)), -lr);
}

Json Adagrad::config() const {
  Json c = Optimizer::config();
  c["initial_accumulator_value"] = initial_accumulator_value_;
  c["epsilon"] = epsilon_;
  return c;
}

}  // namespace mz::optimizers
