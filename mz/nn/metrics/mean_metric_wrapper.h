// MeanMetricWrapper: the running mean of a function's per-sample values (Keras's class of the
// same name); the accuracy and error metrics derive from it, make_metric() wraps callables.
#pragma once

#include <string>

#include "mz/nn/metrics/mean.h"

namespace mz::metrics {

class MeanMetricWrapper : public Mean {
 public:
  // fn(y_true, y_pred) gives values (batch, ...) that Mean averages.
  MeanMetricWrapper(MetricFn fn, std::string name);
  // Runs fn on detached inputs under NoGrad and accumulates its values.
  void update_state(const Tensor& y_true, const Tensor& y_pred,
                    const Tensor& sample_weight = {}) override;
  std::string class_name() const override { return "MeanMetricWrapper"; }

 private:
  MetricFn fn_;
};

}  // namespace mz::metrics
