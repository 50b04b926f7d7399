// FBetaScore: Keras 3's FBetaScore (keras/src/metrics/f_score_metrics.py), counted on the host.
#include "mz/nn/metrics/f_beta_score.h"

#include <algorithm>
#include <cmath>

#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"

namespace mz::metrics {

FBetaScore::FBetaScore(FBetaScoreOptions options)
    : Metric(options.name), options_(std::move(options)) {
  const auto& a = options_.average;
  if (a && *a != "micro" && *a != "macro" && *a != "weighted")
    throw ValueError(str(class_name(), " '", name(), "': average must be unset, \"micro\", ",
                         "\"macro\" or \"weighted\", got \"", *a, "\"."));
  if (!(options_.beta > 0.0))
    throw ValueError(
        str(class_name(), " '", name(), "': beta must be > 0, got ", options_.beta, "."));
  if (options_.threshold && !(*options_.threshold > 0.0 && *options_.threshold <= 1.0))
    throw ValueError(str(class_name(), " '", name(), "': threshold must lie in (0, 1], got ",
                         *options_.threshold, "."));
}

void FBetaScore::update_state(const Tensor& y_true, const Tensor& y_pred,
                              const Tensor& sample_weight) {
  std::string who = str(class_name(), " '", name(), "'");
  if (y_true.rank() != 2 || y_pred.rank() != 2 || !(y_true.shape() == y_pred.shape()))
    throw ValueError(str(who, ": y_true and y_pred must be (batch_size, output_dim): expected ",
                         "two equal 2-D shapes, got y_true ", y_true.shape(), " and y_pred ",
                         y_pred.shape(), "."));
  const int64_t rows = y_pred.shape()[0], classes = y_pred.shape()[1];
  if (classes_ < 0) {
    classes_ = classes;
    reset_state();
  } else if (classes != classes_) {
    throw ValueError(
        str(who, ": the number of classes changed: expected ", classes_, ", got ", classes, "."));
  }
  std::vector<double> t = detail::host_doubles(y_true), p = detail::host_doubles(y_pred);
  std::vector<double> w(rows, 1.0);
  if (sample_weight.defined()) {
    w = detail::host_doubles(sample_weight);
    if (static_cast<int64_t>(w.size()) != rows)
      throw ValueError(str(who, ": sample_weight must have one entry per sample: expected (", rows,
                           ",), got ", sample_weight.shape(), "."));
  }
  const bool micro = options_.average && *options_.average == "micro";
  for (int64_t r = 0; r < rows; ++r) {
    const double* pr = p.data() + r * classes;
    // Without a threshold, Keras marks each row's maximum (and ties), never an all-zero row.
    double row_max = classes > 0 ? *std::max_element(pr, pr + classes) : 0.0;
    for (int64_t c = 0; c < classes; ++c) {
      double pred = options_.threshold ? (pr[c] > *options_.threshold ? 1.0 : 0.0)
                                       : (pr[c] >= row_max && std::abs(pr[c]) > 1e-9 ? 1.0 : 0.0);
      double truth = t[r * classes + c];
      std::size_t k = micro ? 0 : static_cast<std::size_t>(c);
      tp_[k] += pred * truth * w[r];
      fp_[k] += pred * (1.0 - truth) * w[r];
      fn_[k] += (1.0 - pred) * truth * w[r];
      weights_[k] += truth * w[r];
    }
  }
}

std::vector<double> FBetaScore::scores() const {
  const double b2 = options_.beta * options_.beta, eps = detail::kEpsilon;
  std::vector<double> f(tp_.size());
  for (std::size_t i = 0; i < f.size(); ++i) {
    double precision = tp_[i] / (tp_[i] + fp_[i] + eps);
    double recall = tp_[i] / (tp_[i] + fn_[i] + eps);
    f[i] = precision * recall / (b2 * precision + recall + eps) * (1.0 + b2);
  }
  return f;
}

std::vector<double> FBetaScore::result_values() const {
  if (!options_.average) return scores();
  return {result()};
}

double FBetaScore::result() const {
  std::vector<double> f = scores();
  if (f.empty()) return 0.0;
  if (options_.average && *options_.average == "weighted") {
    double total = 0.0, out = 0.0;
    for (double w : weights_) total += w;
    for (std::size_t i = 0; i < f.size(); ++i)
      out += f[i] * weights_[i] / (total + detail::kEpsilon);
    return out;
  }
  double sum = 0.0;
  for (double v : f) sum += v;
  return sum / static_cast<double>(f.size());
}

void FBetaScore::reset_state() {
  bool micro = options_.average && *options_.average == "micro";
  std::size_t n = classes_ < 0 ? 0 : micro ? 1 : static_cast<std::size_t>(classes_);
  tp_.assign(n, 0.0);
  fp_.assign(n, 0.0);
  fn_.assign(n, 0.0);
  weights_.assign(n, 0.0);
}

Json FBetaScore::config() const {
  Json c = Metric::config();
  c["average"] = options_.average ? Json(*options_.average) : Json(nullptr);
  c["beta"] = options_.beta;
  c["threshold"] = options_.threshold ? Json(*options_.threshold) : Json(nullptr);
  return c;
}

}  // namespace mz::metrics
