// CategoricalCrossentropy metric: Keras 3's CategoricalCrossentropy
// (keras/src/metrics/probabilistic_metrics.py).
#include "mz/nn/metrics/categorical_crossentropy.h"

#include "mz/nn/losses/categorical_crossentropy.h"

namespace mz::metrics {

CategoricalCrossentropy::CategoricalCrossentropy(CategoricalCrossentropyOptions options)
    : MeanMetricWrapper(
          [from_logits = options.from_logits, label_smoothing = options.label_smoothing,
           axis = options.axis](const Tensor& t, const Tensor& p) {
            return losses::categorical_crossentropy(
                t, p,
                {.from_logits = from_logits, .label_smoothing = label_smoothing, .axis = axis});
          },
          options.name),
      from_logits_(options.from_logits),
      label_smoothing_(options.label_smoothing),
      axis_(options.axis) {}

Json CategoricalCrossentropy::config() const {
  Json c = Metric::config();
  c["from_logits"] = from_logits_;
  c["label_smoothing"] = label_smoothing_;
  c["axis"] = axis_;
  return c;
}

}  // namespace mz::metrics
