// LogCosh: Keras 3's log_cosh (keras/src/losses/losses.py).
#include "mz/nn/losses/log_cosh.h"

#include <cmath>

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor log_cosh(const Tensor& y_true, const Tensor& y_pred) {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(detail::cast_like(y_true, y_pred), y_pred);
  Tensor x = p - t;
  return mean(x + softplus(x * -2.0) - std::log(2.0), {-1});
}

LogCosh::LogCosh(LogCoshOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor LogCosh::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return log_cosh(t, p);
}

}  // namespace mz::losses
