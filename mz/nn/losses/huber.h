// Huber: 0.5 x^2 where |x| <= delta, delta |x| - 0.5 delta^2 beyond, averaged over the last
// axis (x = y_pred - y_true); Keras's loss and function.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's Huber(delta, reduction, name).
struct HuberOptions {
  double delta = 1.0;
  std::string reduction = "sum_over_batch_size";
  std::string name = "huber_loss";
};

// mean(where(|x| <= delta, 0.5 x^2, delta |x| - 0.5 delta^2), axis=-1), x = y_pred - y_true.
Tensor huber(const Tensor& y_true, const Tensor& y_pred, double delta = 1.0);

// The Huber loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class Huber : public Loss {
 public:
  explicit Huber(HuberOptions options = {});
  // The per-sample losses of huber().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "Huber"; }
  // Loss's keys plus "delta".
  Json config() const override;
  double delta() const { return delta_; }

 private:
  double delta_;
};

}  // namespace mz::losses
