// MeanAbsoluteError: Keras 3's mean_absolute_error (keras/src/losses/losses.py).
#include "mz/nn/losses/mean_absolute_error.h"

#include <cmath>

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor mean_absolute_error(const Tensor& y_true, const Tensor& y_pred) {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(detail::cast_like(y_true, y_pred), y_pred);
  return mean(abs(t - p), {-1});
}

MeanAbsoluteError::MeanAbsoluteError(MeanAbsoluteErrorOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor MeanAbsoluteError::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return mean_absolute_error(t, p);
}

}  // namespace mz::losses
