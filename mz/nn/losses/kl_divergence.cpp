// KLDivergence: Keras 3's kl_divergence (keras/src/losses/losses.py).
#include "mz/nn/losses/kl_divergence.h"

#include <cmath>

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor kl_divergence(const Tensor& y_true, const Tensor& y_pred) {
  Tensor t = clip(detail::cast_like(y_true, y_pred), detail::kEpsilon, 1.0);
  Tensor p = clip(y_pred, detail::kEpsilon, 1.0);
  return sum(t * log(t / p), {-1});
}

KLDivergence::KLDivergence(KLDivergenceOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor KLDivergence::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return kl_divergence(t, p);
}

}  // namespace mz::losses
