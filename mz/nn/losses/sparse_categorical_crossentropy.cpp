// SparseCategoricalCrossentropy: Keras 3's sparse_categorical_crossentropy. The labels are
// read once on the host to check their range (and, with ignore_class, to build the mask).
#include "mz/nn/losses/sparse_categorical_crossentropy.h"

#include <cmath>
#include <type_traits>
#include <vector>

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {
namespace {

constexpr const char* kWho = "SparseCategoricalCrossentropy";

// The labels as int64 indices shaped (batch, ..., 1) for take_along_axis, and with ignore_class
// a uint8 mask (batch, ...) of the labels that count.
struct Targets {
  Tensor index, mask;
};

Targets prepare_targets(const Tensor& y_true, const Tensor& y_pred,
                        const SparseCategoricalCrossentropyOptions& options) {
  if (y_pred.rank() < 1)
    throw ValueError(str(kWho, ": y_pred must have a class axis: expected rank >= 1, got shape ",
                         y_pred.shape(), "."));
  int axis = normalize_axis(options.axis, y_pred.rank(), kWho);
  if (axis != y_pred.rank() - 1)
    throw ValueError(str(kWho, ": axis must be the last axis of y_pred: expected -1 or ",
                         y_pred.rank() - 1, ", got ", options.axis, "."));
  Tensor labels = y_true;
  if (labels.rank() == y_pred.rank() && labels.rank() > 0 && labels.shape().back() == 1)
    labels = labels.squeeze(-1);
  Shape expected = y_pred.shape();
  expected.erase(expected.rank() - 1);
  if (!(labels.shape() == expected))
    throw ValueError(str(
        kWho, ": y_true must have y_pred's shape without the class axis: ", "expected ", expected,
        ", got ", y_true.shape(), ". For one-hot labels use CategoricalCrossentropy."));

  // One pass over the labels on the host: range check, and the mask when some are ignored.
  const int64_t classes = y_pred.shape().back();
  const int64_t n = labels.numel();
  const int64_t per_sample = labels.rank() == 0 || labels.shape()[0] == 0
                                 ? 1
                                 : std::max<int64_t>(n / labels.shape()[0], 1);
  Tensor host =
      labels.device().is_host() ? labels.contiguous() : labels.to(Device::cpu()).contiguous();
  const bool ignoring = options.ignore_class.has_value();
  std::vector<int64_t> cleaned(ignoring ? n : 0);
  std::vector<uint8_t> keep(ignoring ? n : 0);
  visit_dtype(host.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* data = host.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      double v = static_cast<double>(data[i]);
      if (ignoring && v == static_cast<double>(*options.ignore_class)) continue;
      // Keras casts float labels to int, truncating; NaN and out-of-range values fail here.
      bool ok = v > -1.0 && v < static_cast<double>(classes);
      if (!ok) {
        std::string label = std::is_integral_v<T> ? str(static_cast<int64_t>(data[i])) : str(v);
        throw ValueError(str(kWho, ": label ", label, " at sample ", i / per_sample,
                             " is outside [0, ", classes, ")."));
      }
      if (ignoring) {
        cleaned[i] = static_cast<int64_t>(v);
        keep[i] = 1;
      }
    }
  });

  Targets targets;
  if (ignoring) {
    Device dev = y_pred.device();
    targets.index = tensor(cleaned, labels.shape(), {.dtype = DType::i64}).to(dev);
    targets.mask = tensor(keep, labels.shape(), {.dtype = DType::u8}).to(dev);
  } else {
    Tensor idx = labels.device() == y_pred.device() ? labels : labels.to(y_pred.device());
    targets.index =
        idx.dtype() == DType::i32 || idx.dtype() == DType::i64 ? idx : cast(idx, DType::i64);
  }
  targets.index = targets.index.unsqueeze(-1);
  return targets;
}

// -log p[label] and the mask (undefined without ignore_class).
std::pair<Tensor, Tensor> masked_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                                              const SparseCategoricalCrossentropyOptions& options) {
  Targets targets = prepare_targets(y_true, y_pred, options);
  Tensor log_p;
  if (options.from_logits) {
    log_p = log_softmax(y_pred, -1);
  } else {
    Tensor p = y_pred / sum(y_pred, {-1}, true);
    log_p = log(clip(p, detail::kEpsilon, 1.0 - detail::kEpsilon));
  }
  Tensor loss = -take_along_axis(log_p, targets.index, -1).squeeze(-1);
  if (targets.mask.defined()) loss = where(targets.mask, loss, detail::scalar_like(0.0, loss));
  return {loss, targets.mask};
}

}  // namespace

Tensor sparse_categorical_crossentropy(const Tensor& y_true, const Tensor& y_pred,
                                       const SparseCategoricalCrossentropyOptions& options) {
  return masked_crossentropy(y_true, y_pred, options).first;
}

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(
    SparseCategoricalCrossentropyOptions options)
    : Loss(options.name, options.reduction), options_(std::move(options)) {}

Tensor SparseCategoricalCrossentropy::call(const Tensor& y_true, const Tensor& y_pred) const {
  return sparse_categorical_crossentropy(y_true, y_pred, options_);
}

Loss::MaskedLosses SparseCategoricalCrossentropy::call_masked(const Tensor& y_true,
                                                              const Tensor& y_pred) const {
  auto [values, mask] = masked_crossentropy(y_true, y_pred, options_);
  return {values, mask};
}

Json SparseCategoricalCrossentropy::config() const {
  Json c = Loss::config();
  c["from_logits"] = options_.from_logits;
  c["ignore_class"] = options_.ignore_class ? Json(*options_.ignore_class) : Json(nullptr);
  return c;
}

}  // namespace mz::losses
