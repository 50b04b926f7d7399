// BinaryCrossentropy: Keras 3's binary_crossentropy and the backends' element-wise form.
#include "mz/nn/losses/binary_crossentropy.h"

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor binary_crossentropy_elementwise(const Tensor& target, const Tensor& output,
                                       bool from_logits) {
  // log(1 + e^x) - t x equals max(x, 0) - t x + log1p(e^-|x|) (TF's form) without its kinks.
  if (from_logits) return softplus(output) - target * output;
  Tensor p = clip(output, detail::kEpsilon, 1.0 - detail::kEpsilon);
  return -(target * log(p) + (1.0 - target) * log(1.0 - p));
}

Tensor binary_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                           const BinaryCrossentropyOptions& options) {
  Tensor t = detail::cast_like(y_true, y_pred);
  double s = options.label_smoothing;
  if (s != 0.0) t = t * (1.0 - s) + 0.5 * s;
  return mean(binary_crossentropy_elementwise(t, y_pred, options.from_logits), {options.axis});
}

BinaryCrossentropy::BinaryCrossentropy(BinaryCrossentropyOptions options)
    : Loss(options.name, options.reduction), options_(std::move(options)) {}

Tensor BinaryCrossentropy::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return binary_crossentropy(t, p, options_);
}

Json BinaryCrossentropy::config() const {
  Json c = Loss::config();
  c["from_logits"] = options_.from_logits;
  c["label_smoothing"] = options_.label_smoothing;
  c["axis"] = options_.axis;
  return c;
}

}  // namespace mz::losses
