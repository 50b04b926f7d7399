// Poisson: Keras 3's poisson (keras/src/losses/losses.py).
#include "mz/nn/losses/poisson.h"

#include <cmath>

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor poisson(const Tensor& y_true, const Tensor& y_pred) {
  Tensor t = detail::cast_like(y_true, y_pred);
  return mean(y_pred - t * log(y_pred + detail::kEpsilon), {-1});
}

Poisson::Poisson(PoissonOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor Poisson::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return poisson(t, p);
}

}  // namespace mz::losses
