// Precision: Keras 3's Precision (keras/src/metrics/confusion_metrics.py), counted on the host.
#include "mz/nn/metrics/precision.h"

namespace mz::metrics {

Precision::Precision(PrecisionOptions options)
    : Metric(options.name), options_(std::move(options)) {
  // Keras: the default threshold is 0.5, or -1e10 with top_k (every top-k prediction counts).
  confusion_.thresholds = detail::parse_thresholds(
      options_.thresholds, options_.top_k ? -1e10 : 0.5, str("Precision '", name(), "'"));
  if (options_.top_k && *options_.top_k < 1)
    throw ValueError(
        str("Precision '", name(), "': top_k must be at least 1, got ", *options_.top_k, "."));
  confusion_.top_k = options_.top_k;
  confusion_.class_id = options_.class_id;
  counts_.reset(confusion_.thresholds.size());
}

void Precision::update_state(const Tensor& y_true, const Tensor& y_pred,
                             const Tensor& sample_weight) {
  detail::update_confusion_matrix(counts_, y_true, y_pred, sample_weight, confusion_,
                                  str("Precision '", name(), "'"));
}

std::vector<double> Precision::result_values() const {
  std::vector<double> out(counts_.tp.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = detail::divide_no_nan(counts_.tp[i], counts_.tp[i] + counts_.fp[i]);
  return out;
}

double Precision::result() const { return result_values().front(); }

void Precision::reset_state() { counts_.reset(confusion_.thresholds.size()); }

Json Precision::config() const {
  Json c = Metric::config();
  c["thresholds"] = detail::thresholds_config(options_.thresholds);
  c["top_k"] = options_.top_k ? Json(*options_.top_k) : Json(nullptr);
  c["class_id"] = options_.class_id ? Json(*options_.class_id) : Json(nullptr);
  return c;
}

}  // namespace mz::metrics
