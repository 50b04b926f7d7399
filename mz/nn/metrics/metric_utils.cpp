// Confusion-matrix accumulation on the host, in float64, following Keras 3's metrics_utils.py
// (both its threshold-by-threshold path and the bucketed path for evenly spaced thresholds).
#include "mz/nn/metrics/metric_utils.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mz/core/grad_mode.h"
#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/shape.h"

namespace mz::detail {

std::vector<double> host_doubles(const Tensor& t) { return t.detach().to_vector<double>(); }

std::vector<double> parse_thresholds(const std::vector<double>& given, double default_threshold,
                                     const std::string& who) {
  for (double t : given)
    if (!(t >= 0.0 && t <= 1.0))
      throw ValueError(str(who, ": thresholds must lie in [0, 1], got ", t, "."));
  return given.empty() ? std::vector<double>{default_threshold} : given;
}

bool is_evenly_distributed(const std::vector<double>& thresholds) {
  std::size_t n = thresholds.size();
  if (n < 3) return false;
  for (std::size_t i = 0; i < n; ++i) {
    double even = static_cast<double>(static_cast<float>(i) / static_cast<float>(n - 1));
    if (std::abs(thresholds[i] - even) > kEpsilon + 1e-5 * std::abs(even)) return false;
  }
  return true;
}

void ConfusionCounts::reset(std::size_t thresholds) {
  tp.assign(thresholds, 0.0);
  fp.assign(thresholds, 0.0);
  tn.assign(thresholds, 0.0);
  fn.assign(thresholds, 0.0);
}

Json thresholds_config(const std::vector<double>& thresholds) {
  if (thresholds.empty()) return nullptr;
  if (thresholds.size() == 1) return thresholds[0];
  return thresholds;
}

void update_confusion_matrix(ConfusionCounts& counts, const Tensor& y_true, const Tensor& y_pred,
                             const Tensor& sample_weight, const ConfusionOptions& options,
                             const std::string& who) {
  NoGrad no_grad;
  auto [pred, truth] = squeeze_or_expand_to_same_rank(y_pred.detach(), y_true.detach());
  if (!(pred.shape() == truth.shape()))
    throw ValueError(str(who, ": y_true and y_pred must have one shape: expected ", pred.shape(),
                         ", got ", truth.shape(), "."));
  Tensor weight;
  if (sample_weight.defined()) {
    // Keras: expand_dims(w, -1), then squeeze it back against y_true of rank 1.
    weight = sample_weight.detach().unsqueeze(-1);
    weight = squeeze_or_expand_to_same_rank(truth, weight, false).second;
    weight = weight.expand(pred.shape());
  }
  std::vector<double> p = host_doubles(pred), t = host_doubles(truth);
  std::vector<double> w = weight.defined() ? host_doubles(weight) : std::vector<double>{};
  const int64_t width = pred.rank() == 0 ? 1 : pred.shape().back();
  const int64_t rows = width == 0 ? 0 : static_cast<int64_t>(p.size()) / width;

  if (options.top_k) {
    // Keras's _filter_top_k: the k largest per row (ties to the lower index) stay, others -1e10.
    int64_t k = std::min<int64_t>(*options.top_k, width);
    std::vector<int64_t> order(width);
    for (int64_t r = 0; r < rows; ++r) {
      double* row = p.data() + r * width;
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [row](int64_t a, int64_t b) { return row[a] > row[b]; });
      for (int64_t j = k; j < width; ++j) row[order[j]] = -1e10;
    }
  }
  if (options.class_id) {
    if (pred.rank() < 2)
      throw ValueError(str(who, ": class_id needs y_pred of shape (num_samples, num_classes): ",
                           "expected rank >= 2, got shape ", pred.shape(), "."));
    int64_t c = *options.class_id;
    if (c < 0 || c >= width)
      throw ValueError(str(who, ": class_id must lie in [0, ", width, "), got ", c, "."));
    std::vector<double> p1(rows), t1(rows), w1(w.empty() ? 0 : rows);
    for (int64_t r = 0; r < rows; ++r) {
      p1[r] = p[r * width + c];
      t1[r] = t[r * width + c];
      if (!w.empty()) w1[r] = w[r * width + c];
    }
    p.swap(p1);
    t.swap(t1);
    w.swap(w1);
  }

  const std::vector<double>& thresholds = options.thresholds;
  const std::size_t n = thresholds.size();
  if (counts.tp.size() != n) counts.reset(n);
  auto weight_of = [&](std::size_t i) { return w.empty() ? 1.0 : w[i]; };

  if (options.evenly_distributed) {
    // Bucket b holds predictions in (thresholds[b], thresholds[b + 1]]; a reversed cumulative
    // sum then gives, for each threshold, the weight of predictions above it.
    bool with_epsilon = thresholds.front() < 0.0 || thresholds.back() > 1.0;
    std::vector<double> tp_bucket(n, 0.0), fp_bucket(n, 0.0);
    double total_true = 0.0, total_false = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      double pi = std::clamp(p[i], 0.0, 1.0);
      double label = t[i] != 0.0 ? 1.0 : 0.0;
      double wt = weight_of(i);
      double bucket = std::ceil(pi * static_cast<double>(n - 1)) - 1.0;
      if (with_epsilon) bucket = std::max(bucket, 0.0);
      total_true += label * wt;
      total_false += (1.0 - label) * wt;
      if (bucket < 0.0 || bucket >= static_cast<double>(n)) continue;
      tp_bucket[static_cast<std::size_t>(bucket)] += label * wt;
      fp_bucket[static_cast<std::size_t>(bucket)] += (1.0 - label) * wt;
    }
    double tp_cum = 0.0, fp_cum = 0.0;
    for (std::size_t j = n; j-- > 0;) {
      tp_cum += tp_bucket[j];
      fp_cum += fp_bucket[j];
      counts.tp[j] += tp_cum;
      counts.fp[j] += fp_cum;
      counts.tn[j] += total_false - fp_cum;
      counts.fn[j] += total_true - tp_cum;
    }
    return;
  }
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      bool pos = p[i] > thresholds[j], label = t[i] != 0.0;
      double wt = weight_of(i);
      if (label && pos) counts.tp[j] += wt;
      if (!label && pos) counts.fp[j] += wt;
      if (label && !pos) counts.fn[j] += wt;
      if (!label && !pos) counts.tn[j] += wt;
    }
  }
}

}  // namespace mz::detail
