// BinaryCrossentropy metric: Keras 3's BinaryCrossentropy
// (keras/src/metrics/probabilistic_metrics.py).
#include "mz/nn/metrics/binary_crossentropy.h"

#include "mz/nn/losses/binary_crossentropy.h"

namespace mz::metrics {

BinaryCrossentropy::BinaryCrossentropy(BinaryCrossentropyOptions options)
    : MeanMetricWrapper(
          [from_logits = options.from_logits, label_smoothing = options.label_smoothing](
              const Tensor& t, const Tensor& p) {
            return losses::binary_crossentropy(
                t, p, {.from_logits = from_logits, .label_smoothing = label_smoothing});
          },
          options.name),
      from_logits_(options.from_logits),
      label_smoothing_(options.label_smoothing) {}

Json BinaryCrossentropy::config() const {
  Json c = Metric::config();
  c["from_logits"] = from_logits_;
  c["label_smoothing"] = label_smoothing_;
  return c;
}

}  // namespace mz::metrics
