// CategoricalCrossentropy metric: the running mean of the categorical crossentropy of one-hot
// labels per sample (keras.metrics.CategoricalCrossentropy); the per-sample values come from
// mz::losses::categorical_crossentropy.
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's CategoricalCrossentropy(name, from_logits, label_smoothing, axis).
struct CategoricalCrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;
  int axis = -1;
  std::string name = "categorical_crossentropy";
};

// The running (weighted) mean of losses::categorical_crossentropy per sample (Mean); result() is
// that mean.
class CategoricalCrossentropy : public MeanMetricWrapper {
 public:
  explicit CategoricalCrossentropy(CategoricalCrossentropyOptions options = {});
  std::string class_name() const override { return "CategoricalCrossentropy"; }
  // Metric's keys plus "from_logits", "label_smoothing", "axis".
  Json config() const override;

 private:
  bool from_logits_;
  double label_smoothing_;
  int axis_;
};

}  // namespace mz::metrics
