// SquaredHinge: Keras 3's squared_hinge (keras/src/losses/losses.py).
#include "mz/nn/losses/squared_hinge.h"

#include "mz/nn/losses/hinge.h"
#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor squared_hinge(const Tensor& y_true, const Tensor& y_pred) {
  Tensor t = convert_binary_labels_to_hinge(y_true, y_pred);
  return mean(square(maximum(1.0 - t * y_pred, detail::scalar_like(0.0, y_pred))), {-1});
}

SquaredHinge::SquaredHinge(SquaredHingeOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor SquaredHinge::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return squared_hinge(t, p);
}

}  // namespace mz::losses
