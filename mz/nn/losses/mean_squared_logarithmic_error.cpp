// MeanSquaredLogarithmicError: Keras 3's mean_squared_logarithmic_error
// (keras/src/losses/losses.py).
#include "mz/nn/losses/mean_squared_logarithmic_error.h"

#include <cmath>

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor mean_squared_logarithmic_error(const Tensor& y_true, const Tensor& y_pred) {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(detail::cast_like(y_true, y_pred), y_pred);
  Tensor eps = detail::scalar_like(detail::kEpsilon, p);
  Tensor first = log(maximum(p, eps) + 1.0), second = log(maximum(t, eps) + 1.0);
  return mean(square(first - second), {-1});
}

MeanSquaredLogarithmicError::MeanSquaredLogarithmicError(MeanSquaredLogarithmicErrorOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor MeanSquaredLogarithmicError::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return mean_squared_logarithmic_error(t, p);
}

}  // namespace mz::losses
