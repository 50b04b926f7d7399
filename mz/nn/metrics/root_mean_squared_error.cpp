// RootMeanSquaredError: Keras 3's RootMeanSquaredError (keras/src/metrics/regression_metrics.py).
#include "mz/nn/metrics/root_mean_squared_error.h"

#include <cmath>

#include "mz/core/grad_mode.h"
#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::metrics {

RootMeanSquaredError::RootMeanSquaredError(RootMeanSquaredErrorOptions options)
    : Mean({.name = std::move(options.name)}) {}

void RootMeanSquaredError::update_state(const Tensor& y_true, const Tensor& y_pred,
                                        const Tensor& sample_weight) {
  NoGrad no_grad;
  Tensor p = y_pred.detach();
  auto [t, q] = detail::squeeze_or_expand_to_same_rank(detail::cast_like(y_true.detach(), p), p);
  update_values(square(q - t), sample_weight);
}

double RootMeanSquaredError::result() const { return std::sqrt(Mean::result()); }

}  // namespace mz::metrics
