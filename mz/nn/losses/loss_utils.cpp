// Keras 3's loss reduction (reduce_weighted_values, apply_mask, reduce_values) in mz ops.
#include "mz/nn/losses/loss_utils.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::detail {
namespace {

// sample_weight lined up with values: Keras's squeeze/expand, then trailing 1s so a (batch,)
// weight broadcasts over (batch, steps) losses (Keras 2's rule; Keras 3 would misalign them).
Tensor align_weight(const Tensor& values, Tensor weight, const std::string& who) {
  // Keras would expand (batch,) losses to (batch, 1) against a (batch, 1) weight; squeezing the
  // weight instead keeps the losses' shape for reduction "none".
  if (weight.rank() == values.rank() + 1 && weight.shape().back() == 1)
    weight = weight.squeeze(-1);
  else
    weight = squeeze_or_expand_to_same_rank(values, weight).second;
  if (weight.rank() < values.rank()) {
    Shape s = weight.shape();
    while (s.rank() < values.rank()) s.push_back(1);
    weight = weight.reshape(s);
  }
  bool fits = weight.rank() <= values.rank();
  for (int i = 1; fits && i <= weight.rank(); ++i) {
    int64_t w = weight.shape()[weight.rank() - i], d = values.shape()[values.rank() - i];
    fits = w == 1 || w == d;
  }
  if (!fits)
    throw ValueError(str(who, ": sample_weight does not match the per-sample losses: expected ",
                         "a shape that broadcasts to ", values.shape(), ", got ", weight.shape(),
                         "."));
  return weight;
}

}  // namespace

std::pair<Tensor, Tensor> squeeze_or_expand_to_same_rank(const Tensor& x1_in, const Tensor& x2_in,
                                                         bool expand_rank_1) {
  Tensor x1 = x1_in, x2 = x2_in;
  int r1 = x1.rank(), r2 = x2.rank();
  if (r1 == r2) return {x1, x2};
  if (r1 == r2 + 1 && x1.shape().back() == 1) {
    if (r2 == 1 && expand_rank_1)
      x2 = x2.unsqueeze(-1);
    else
      x1 = x1.squeeze(-1);
  }
  if (r2 == r1 + 1 && x2.shape().back() == 1) {
    if (r1 == 1 && expand_rank_1)
      x1 = x1.unsqueeze(-1);
    else
      x2 = x2.squeeze(-1);
  }
  return {x1, x2};
}

Tensor cast_like(const Tensor& y_true, const Tensor& y_pred) {
  Tensor t = y_true.device() == y_pred.device() ? y_true : y_true.to(y_pred.device());
  return t.dtype() == y_pred.dtype() ? t : cast(t, y_pred.dtype());
}

Tensor scalar_like(double value, const Tensor& t) {
  return scalar(value, {.dtype = t.dtype(), .device = t.device()});
}

void check_reduction(const std::string& reduction, const std::string& who) {
  if (reduction == "sum_over_batch_size" || reduction == "sum" || reduction == "mean" ||
      reduction == "mean_with_sample_weight" || reduction == "none")
    return;
  throw ValueError(str(who, ": reduction must be \"sum_over_batch_size\", \"sum\", \"mean\", ",
                       "\"mean_with_sample_weight\" or \"none\", got \"", reduction, "\"."));
}

Tensor reduce_weighted_values(const Tensor& values_in, const Tensor& sample_weight,
                              const Tensor& mask, const std::string& reduction,
                              const std::string& who) {
  Tensor values = values_in;
  Tensor weight;
  if (sample_weight.defined()) weight = align_weight(values, cast_like(sample_weight, values), who);
  if (mask.defined()) {
    // Keras's apply_mask: valid entries weigh total / valid, so the mean runs over them only.
    Tensor m = cast_like(mask, values);
    if (reduction == "mean" || reduction == "sum_over_batch_size") {
      double valid = sum(m).item<double>();
      m = m * (valid > 0 ? static_cast<double>(m.numel()) / valid : 0.0);
    }
    m = align_weight(values, m, who);
    weight = weight.defined() ? weight * m : m;
  }
  if (weight.defined()) values = values * weight;

  // Keras's reduce_values.
  if (reduction == "none" || values.rank() == 0 || (values.rank() == 1 && values.numel() == 0))
    return values;
  if (reduction == "sum") return sum(values);
  if (reduction == "mean_with_sample_weight" && weight.defined()) {
    Tensor total = sum(values);
    double w = sum(weight).item<double>();  // Keras: the weights' own sum, not broadcast
    return w != 0 ? total * (1.0 / w) : zeros_like(total);
  }
  if (values.numel() == 0) return zeros({}, {.dtype = values.dtype(), .device = values.device()});
  return mean(values);
}

}  // namespace mz::detail
