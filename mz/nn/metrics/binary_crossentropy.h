// BinaryCrossentropy metric: the running mean of the binary crossentropy (from probabilities or
// logits) per sample (keras.metrics.BinaryCrossentropy); the per-sample values come from
// mz::losses::binary_crossentropy.
#pragma once

#include <string>

#include "mz/nn/metrics/mean_metric_wrapper.h"

namespace mz::metrics {

// Keras's BinaryCrossentropy(name, from_logits, label_smoothing).
struct BinaryCrossentropyOptions {
  bool from_logits = false;
  double label_smoothing = 0.0;
  std::string name = "binary_crossentropy";
};

// The running (weighted) mean of losses::binary_crossentropy per sample (Mean); result() is that
// mean.
class BinaryCrossentropy : public MeanMetricWrapper {
 public:
  explicit BinaryCrossentropy(BinaryCrossentropyOptions options = {});
  std::string class_name() const override { return "BinaryCrossentropy"; }
  // Metric's keys plus "from_logits", "label_smoothing".
  Json config() const override;

 private:
  bool from_logits_;
  double label_smoothing_;
};

}  // namespace mz::metrics
