// KLDivergence: sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [1e-7, 1].
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's KLDivergence(reduction, name).
struct KLDivergenceOptions {
  std::string reduction = "sum_over_batch_size";
  std::string name = "kl_divergence";
};

// sum(t * log(t / p), axis=-1) with t, p clipped to [1e-7, 1].
Tensor kl_divergence(const Tensor& y_true, const Tensor& y_pred);

// The KLDivergence loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class KLDivergence : public Loss {
 public:
  explicit KLDivergence(KLDivergenceOptions options = {});
  // The per-sample losses of kl_divergence().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "KLDivergence"; }
};

}  // namespace mz::losses
