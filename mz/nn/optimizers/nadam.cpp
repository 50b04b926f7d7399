// Nadam: Keras 3's update rule in ops, with its once-per-step momentum cache.
#include "mz/nn/optimizers/nadam.h"

#include <cmath>

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::optimizers {

Nadam::Nadam(NadamOptions o)
    : Optimizer("Nadam", o.learning_rate,
                {o.weight_decay, o.clipnorm, o.clipvalue, o.global_clipnorm, o.name}),
      beta_1_(o.beta_1),
      beta_2_(o.beta_2),
      epsilon_(o.epsilon) {}

void Nadam::build(const std::vector<VariablePtr>& vars) {
  count_ = vars.size();
  for (int kind = 0; kind < 2; ++kind)
    for (const VariablePtr& v : vars) slots_.push_back(zeros_like(v->value));
  // The momentum cache, in the first variable's dtype as Keras keeps it.
  if (!vars.empty()) slots_.push_back(scalar(1.0, {.dtype = vars.front()->value.dtype()}));
}

double Nadam::momentum_cache(int64_t t) {
  if (t < u_product_step_) u_product_ = 1.0, u_product_step_ = 0;  // restored to an earlier step
  while (u_product_step_ < t) {
    ++u_product_step_;
    u_product_ *= beta_1_ * (1.0 - 0.5 * std::pow(0.96, static_cast<double>(u_product_step_)));
  }
  return u_product_;
}

void Nadam::update_step(const Tensor& grad, Tensor& var, std::size_t index, double lr) {
  double t = static_cast<double>(iterations_ + 1);
  double u_t = beta_1_ * (1.0 - 0.5 * std::pow(0.96, t));
  double u_t_1 = beta_1_ * (1.0 - 0.5 * std::pow(0.96, t + 1.0));
  const double u_product = momentum_cache(iterations_ + 1);
  Tensor& cache = slots_[2 * count_];
  cache.copy_(scalar(u_product, {.dtype = cache.dtype()}));
  double u_product_t_1 = u_product * u_t_1;
  double beta_2_power = std::pow(beta_2_, t);
  Tensor& m = slots_[index];
  Tensor& v = slots_[count_ + index];
  mul_(m, beta_1_);  // m += (g - m) * (1 - beta_1)
  add_(m, grad, 1.0 - beta_1_);
  mul_(v, beta_2_);  // v += (g^2 - v) * (1 - beta_2)
  add_(v, square(grad), 1.0 - beta_2_);
  Tensor m_hat = m * (u_t_1 / (1.0 - u_product_t_1));
  add_(m_hat, grad, (1.0 - u_t) / (1.0 - u_product));
  Tensor denom = sqrt(v / (1.0 - beta_2_power));
  add_(denom, epsilon_);
  add_(var, div(m_hat, denom), -lr);
}

Json Nadam::config() const {
  Json c = Optimizer::config();
  c["beta_1"] = beta_1_;
  c["beta_2"] = beta_2_;
  c["epsilon"] = epsilon_;
  return c;
}

}  // namespace mz::optimizers
