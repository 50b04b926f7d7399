// CategoricalHinge: Keras 3's categorical_hinge (keras/src/losses/losses.py).
#include "mz/nn/losses/categorical_hinge.h"

#include <cmath>

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor categorical_hinge(const Tensor& y_true, const Tensor& y_pred) {
  Tensor t = detail::cast_like(y_true, y_pred);
  Tensor pos = sum(t * y_pred, {-1});
  Tensor neg = max((1.0 - t) * y_pred, {-1});
  return maximum(neg - pos + 1.0, detail::scalar_like(0.0, y_pred));
}

CategoricalHinge::CategoricalHinge(CategoricalHingeOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor CategoricalHinge::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return categorical_hinge(t, p);
}

}  // namespace mz::losses
