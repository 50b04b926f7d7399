// SparseCategoricalCrossentropy metric: the running mean of the crossentropy of integer labels per
// sample (keras.metrics.SparseCategoricalCrossentropy); the per-sample values come from
// mz::losses::sparse_categorical_crossentropy.
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's SparseCategoricalCrossentropy(name, from_logits, axis).
struct SparseCategoricalCrossentropyOptions {
  bool from_logits = false;
  int axis = -1;
  std::string name = "sparse_categorical_crossentropy";
};

// The running (weighted) mean of losses::sparse_categorical_crossentropy per sample (Mean);
// result() is that mean.
class SparseCategoricalCrossentropy : public MeanMetricWrapper {
 public:
  explicit SparseCategoricalCrossentropy(SparseCategoricalCrossentropyOptions options = {});
  std::string class_name() const override { return "SparseCategoricalCrossentropy"; }
  // Metric's keys plus "from_logits", "axis".
  Json config() const override;

 private:
  bool from_logits_;
  int axis_;
};

}  // namespace mz::metrics
