// Huber: Keras 3's huber (keras/src/losses/losses.py).
#include "mz/nn/losses/huber.h"

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor huber(const Tensor& y_true, const Tensor& y_pred, double delta) {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(detail::cast_like(y_true, y_pred), y_pred);
  Tensor error = p - t;
  Tensor abs_error = abs(error);
  Tensor quadratic = square(error) * 0.5;
  Tensor linear = abs_error * delta - 0.5 * delta * delta;
  return mean(where(le(abs_error, detail::scalar_like(delta, p)), quadratic, linear), {-1});
}

Huber::Huber(HuberOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)), delta_(options.delta) {}

Tensor Huber::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return huber(t, p, delta_);
}

Json Huber::config() const {
  Json c = Loss::config();
  c["delta"] = delta_;
  return c;
}

}  // namespace mz::losses
