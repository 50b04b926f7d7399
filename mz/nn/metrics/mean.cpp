// Mean: Keras 3's Mean.update_state with reduce_to_samplewise_values, accumulated in float64.
#include "mz/nn/metrics/mean.h"

#include <numeric>
#include <vector>

#include "mz/core/grad_mode.h"
#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"
#include "mz/ops/ops.h"

namespace mz::metrics {
namespace {

// Axes from..rank-1 (empty when none).
std::vector<int> trailing_axes(int from, int rank) {
  std::vector<int> axes;
  for (int a = from; a < rank; ++a) axes.push_back(a);
  return axes;
}

}  // namespace

Mean::Mean(MeanOptions options) : Metric(std::move(options.name)) {}

void Mean::update_values(const Tensor& values_in, const Tensor& sample_weight) {
  NoGrad no_grad;
  Tensor values = cast(values_in.detach(), DType::f64);
  if (sample_weight.defined()) {
    Tensor weight = cast(sample_weight.detach(), DType::f64);
    if (weight.device() != values.device()) weight = weight.to(values.device());
    std::tie(values, weight) = detail::squeeze_or_expand_to_same_rank(values, weight);
    // Values are averaged down to the weight's rank, then weighted.
    if (values.rank() > weight.rank())
      values = mean(values, trailing_axes(weight.rank(), values.rank()));
    weight = weight.expand(values.shape());
    values = values * weight;
    if (weight.rank() > 1) weight = mean(weight, trailing_axes(1, weight.rank()));
    count_ += sum(weight).item<double>();
  } else {
    count_ += values.rank() >= 1 ? static_cast<double>(values.shape()[0]) : 1.0;
  }
  if (values.rank() > 1) values = mean(values, trailing_axes(1, values.rank()));
  total_ += sum(values).item<double>();
}

void Mean::update_state(const Tensor&, const Tensor& y_pred, const Tensor& sample_weight) {
  update_values(y_pred, sample_weight);
}

double Mean::result() const { return detail::divide_no_nan(total_, count_); }

void Mean::reset_state() {
  total_ = 0.0;
  count_ = 0.0;
}

}  // namespace mz::metrics
