// MeanMetricWrapper: Keras 3's MeanMetricWrapper.update_state.
#include "mz/nn/metrics/mean_metric_wrapper.h"

#include "mz/core/grad_mode.h"

namespace mz::metrics {

MeanMetricWrapper::MeanMetricWrapper(MetricFn fn, std::string name)
    : Mean({.name = std::move(name)}), fn_(std::move(fn)) {
  if (!fn_) throw ValueError(str("MeanMetricWrapper '", this->name(), "': the function is empty."));
}

void MeanMetricWrapper::update_state(const Tensor& y_true, const Tensor& y_pred,
                                     const Tensor& sample_weight) {
  NoGrad no_grad;
  update_values(fn_(y_true.detach(), y_pred.detach()), sample_weight);
}

}  // namespace mz::metrics
