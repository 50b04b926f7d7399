// Adam: Keras's update rule in ops; the bias corrections fold into one scalar, alpha.
#include "mz/nn/optimizers/adam.h"

#include <cmath>

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::optimizers {

Adam::Adam(AdamOptions o) : Adam("Adam", o) {}

Adam::Adam(std::string class_name, const AdamOptions& o)
    : Optimizer(std::move(class_name), o.learning_rate,
                {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}),
      beta_1_(o.beta_1),
      beta_2_(o.beta_2),
      epsilon_(o.epsilon),
      amsgrad_(o.amsgrad) {}

void Adam::build(const std::vector<VariablePtr>& vars) {
  count_ = vars.size();
  for (int kind = 0; kind < (amsgrad_ ? 3 : 2); ++kind)
    for (const VariablePtr& v : vars) slots_.push_back(zeros_like(v->value));
}

void Adam::update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) {
  double t = static_cast<double>(iterations_ + 1);
  double alpha = lr * std::sqrt(1.0 - std::pow(beta_2_, t)) / (1.0 - std::pow(beta_1_, t));
  Tensor& m = slots_[index];
  Tensor& v = slots_[count_ + index];
  mul_(m, beta_1_);  // m += (g - m) * (1 - beta_1)
  add_(m, grad, 1.0 - beta_1_);
  mul_(v, beta_2_);  // v += (g^2 - v) * (1 - beta_2)
  add_(v, square(grad), 1.0 - beta_2_);
  Tensor denom;
  if (amsgrad_) {
    Tensor& v_hat = slots_[2 * count_ + index];
    v_hat.copy_(maximum(v_hat, v));
    denom = sqrt(v_hat);
  } else {
    denom = sqrt(v);
  }
  add_(denom, epsilon_);
  add_(var, div(m, denom), -alpha);
}

Json Adam::config() const {
  Json c = Optimizer::config();
  c["beta_1"] = beta_1_;
  c["beta_2"] = beta_2_;
  c["epsilon"] = epsilon_;
  c["amsgrad"] = amsgrad_;
  return c;
}

}  // namespace mz::optimizers
