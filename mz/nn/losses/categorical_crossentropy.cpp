// CategoricalCrossentropy: Keras 3's categorical_crossentropy and the backends' form.
#include "mz/nn/losses/categorical_crossentropy.h"

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                                const CategoricalCrossentropyOptions& options) {
  if (!(y_true.shape() == y_pred.shape()))
    throw ValueError(str("CategoricalCrossentropy: y_true and y_pred must have one shape: ",
                         "expected ", y_pred.shape(), ", got ", y_true.shape(),
                         ". For integer labels use SparseCategoricalCrossentropy."));
  Tensor t = detail::cast_like(y_true, y_pred);
  double s = options.label_smoothing;
  if (s != 0.0) t = t * (1.0 - s) + s / static_cast<double>(t.size(-1));
  int axis = options.axis;
  Tensor log_p;
  if (options.from_logits) {
    log_p = log_softmax(y_pred, axis);
  } else {
    Tensor p = y_pred / sum(y_pred, {axis}, true);
    log_p = log(clip(p, detail::kEpsilon, 1.0 - detail::kEpsilon));
  }
  return -sum(t * log_p, {axis});
}

CategoricalCrossentropy::CategoricalCrossentropy(CategoricalCrossentropyOptions options)
    : Loss(options.name, options.reduction), options_(std::move(options)) {}

Tensor CategoricalCrossentropy::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return categorical_crossentropy(t, p, options_);
}

Json CategoricalCrossentropy::config() const {
  Json c = Loss::config();
  c["from_logits"] = options_.from_logits;
  c["label_smoothing"] = options_.label_smoothing;
  c["axis"] = options_.axis;
  return c;
}

}  // namespace mz::losses
