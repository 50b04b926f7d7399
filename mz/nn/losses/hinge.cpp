// Hinge: Keras 3's hinge and convert_binary_labels_to_hinge (keras/src/losses/losses.py).
#include "mz/nn/losses/hinge.h"

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor convert_binary_labels_to_hinge(const Tensor& y_true, const Tensor& y_pred) {
  Tensor t = detail::cast_like(y_true, y_pred);
  for (double v : y_true.to_vector<double>())
    if (v != 0.0 && v != 1.0) return t;
  return t * 2.0 - 1.0;
}

Tensor hinge(const Tensor& y_true, const Tensor& y_pred) {
  Tensor t = convert_binary_labels_to_hinge(y_true, y_pred);
  return mean(maximum(1.0 - t * y_pred, detail::scalar_like(0.0, y_pred)), {-1});
}

Hinge::Hinge(HingeOptions options) : Loss(std::move(options.name), std::move(options.reduction)) {}

Tensor Hinge::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return hinge(t, p);
}

}  // namespace mz::losses
