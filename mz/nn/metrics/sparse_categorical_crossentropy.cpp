// SparseCategoricalCrossentropy metric: Keras 3's SparseCategoricalCrossentropy
// (keras/src/metrics/probabilistic_metrics.py).
#include "mz/nn/metrics/sparse_categorical_crossentropy.h"

#include "mz/nn/losses/sparse_categorical_crossentropy.h"

namespace mz::metrics {

SparseCategoricalCrossentropy::SparseCategoricalCrossentropy(
    SparseCategoricalCrossentropyOptions options)
    : MeanMetricWrapper(
          [from_logits = options.from_logits, axis = options.axis](const Tensor& t,
                                                                   const Tensor& p) {
            return losses::sparse_categorical_crossentropy(
                t, p, {.from_logits = from_logits, .axis = axis});
          },
          options.name),
      from_logits_(options.from_logits),
      axis_(options.axis) {}

Json SparseCategoricalCrossentropy::config() const {
  Json c = Metric::config();
  c["from_logits"] = from_logits_;
  c["axis"] = axis_;
  return c;
}

}  // namespace mz::metrics
