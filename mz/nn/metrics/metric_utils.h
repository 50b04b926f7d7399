// Host-side helpers of the metrics: float64 copies of tensors, Keras's threshold rules and the
// confusion-matrix accumulation of keras/src/metrics/metrics_utils.py.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"

namespace mz::detail {

// The elements of t in row-major order as float64, on the host (t is detached first).
std::vector<double> host_doubles(const Tensor& t);

// Keras's parse_init_thresholds: `given` checked to lie in [0, 1] (ValueError naming `who`),
// or {default_threshold} when empty.
std::vector<double> parse_thresholds(const std::vector<double>& given, double default_threshold,
                                     const std::string& who);
// numpy.allclose(thresholds, linspace(0, 1, n), atol=1e-7): the bucketed fast path applies.
bool is_evenly_distributed(const std::vector<double>& thresholds);

// Weighted true/false positives/negatives per threshold.
struct ConfusionCounts {
  std::vector<double> tp, fp, tn, fn;
  void reset(std::size_t thresholds);
};

struct ConfusionOptions {
  std::vector<double> thresholds = {};  // a prediction counts as positive when > threshold
  bool evenly_distributed = false;      // Keras's bucketed path (predictions clipped to [0, 1])
  std::optional<int> top_k =
      std::nullopt;  // keep the k largest along the last axis, the rest -1e10
  std::optional<int> class_id = std::nullopt;  // only this index of the last axis
};

// Keras's update_confusion_matrix_variables: y_true (cast to bool) and y_pred of one shape
// (after squeeze_or_expand_to_same_rank), sample_weight broadcasting to y_pred. Adds to
// `counts`; throws ValueError naming `who` on mismatched shapes or a bad class_id.
void update_confusion_matrix(ConfusionCounts& counts, const Tensor& y_true, const Tensor& y_pred,
                             const Tensor& sample_weight, const ConfusionOptions& options,
                             const std::string& who);

// a / b, or 0 when b is 0 (Keras's divide_no_nan).
inline double divide_no_nan(double a, double b) { return b == 0.0 ? 0.0 : a / b; }

// Keras's `thresholds` config entry: null when empty, a number when one, else a list.
Json thresholds_config(const std::vector<double>& thresholds);

}  // namespace mz::detail
