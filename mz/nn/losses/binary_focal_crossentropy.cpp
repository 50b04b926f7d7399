// BinaryFocalCrossentropy: Keras 3's binary_focal_crossentropy (keras/src/losses/losses.py).
#include "mz/nn/losses/binary_focal_crossentropy.h"

#include "mz/nn/losses/binary_crossentropy.h"
#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor binary_focal_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                                 const BinaryFocalCrossentropyOptions& options) {
  Tensor t = detail::cast_like(y_true, y_pred);
  double s = options.label_smoothing;
  if (s != 0.0) t = t * (1.0 - s) + 0.5 * s;
  Tensor p = options.from_logits ? sigmoid(y_pred) : y_pred;
  Tensor bce = binary_crossentropy_elementwise(t, p, false);
  Tensor p_t = t * p + (1.0 - t) * (1.0 - p);
  Tensor focal_bce = pow(1.0 - p_t, options.gamma) * bce;
  if (options.apply_class_balancing)
    focal_bce = (t * options.alpha + (1.0 - t) * (1.0 - options.alpha)) * focal_bce;
  return mean(focal_bce, {options.axis});
}

BinaryFocalCrossentropy::BinaryFocalCrossentropy(BinaryFocalCrossentropyOptions options)
    : Loss(options.name, options.reduction), options_(std::move(options)) {}

Tensor BinaryFocalCrossentropy::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return binary_focal_crossentropy(t, p, options_);
}

Json BinaryFocalCrossentropy::config() const {
  Json c = Loss::config();
  c["from_logits"] = options_.from_logits;
  c["label_smoothing"] = options_.label_smoothing;
  c["axis"] = options_.axis;
  c["apply_class_balancing"] = options_.apply_class_balancing;
  c["alpha"] = options_.alpha;
  c["gamma"] = options_.gamma;
  return c;
}

}  // namespace mz::losses
