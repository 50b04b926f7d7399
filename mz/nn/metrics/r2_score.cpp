// R2Score: Keras 3's R2Score (keras/src/metrics/regression_metrics.py), accumulated on the host
// in float64.
#include "mz/nn/metrics/r2_score.h"

#include <cmath>

#include "mz/nn/losses/loss_utils.h"
#include "mz/nn/metrics/metric_utils.h"

namespace mz::metrics {

R2Score::R2Score(R2ScoreOptions options) : Metric(options.name), options_(std::move(options)) {
  const auto& a = options_.class_aggregation;
  if (a && *a != "uniform_average" && *a != "variance_weighted_average")
    throw ValueError(str("R2Score '", name(), "': class_aggregation must be \"uniform_average\", ",
                         "\"variance_weighted_average\" or unset, got \"", *a, "\"."));
  if (options_.num_regressors < 0)
    throw ValueError(str("R2Score '", name(), "': num_regressors must be >= 0, got ",
                         options_.num_regressors, "."));
}

void R2Score::update_state(const Tensor& y_true, const Tensor& y_pred,
                           const Tensor& sample_weight) {
  auto [t_in, p_in] = detail::squeeze_or_expand_to_same_rank(y_true.detach(), y_pred.detach());
  if (t_in.rank() != 2 || p_in.rank() != 2 || !(t_in.shape() == p_in.shape()))
    throw ValueError(str("R2Score '", name(), "': y_true and y_pred must be (batch_size, ",
                         "output_dim): expected two equal 2-D shapes, got y_true ", y_true.shape(),
                         " and y_pred ", y_pred.shape(), "."));
  const int64_t rows = t_in.shape()[0], outputs = t_in.shape()[1];
  if (outputs_ < 0) {
    outputs_ = outputs;
    reset_state();
  } else if (outputs != outputs_) {
    throw ValueError(str("R2Score '", name(), "': the number of outputs changed: expected ",
                         outputs_, ", got ", outputs, "."));
  }
  std::vector<double> t = detail::host_doubles(t_in), p = detail::host_doubles(p_in);
  std::vector<double> w;
  if (sample_weight.defined()) {
    Tensor sw = sample_weight.detach();
    if (sw.rank() == 1) sw = sw.unsqueeze(1);  // Keras: make sure there's a features dimension
    w = detail::host_doubles(sw.expand(t_in.shape()));
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < outputs; ++c) {
      std::size_t i = static_cast<std::size_t>(r * outputs + c);
      double wt = w.empty() ? 1.0 : w[i];
      sum_[c] += t[i] * wt;
      squared_sum_[c] += t[i] * t[i] * wt;
      total_mse_[c] += (t[i] - p[i]) * (t[i] - p[i]) * wt;
      count_[c] += wt;
    }
  num_samples_ += static_cast<double>(rows * outputs);
}

std::vector<double> R2Score::raw_scores() const {
  std::vector<double> raw(sum_.size());
  for (std::size_t c = 0; c < raw.size(); ++c) {
    double mean = sum_[c] / count_[c];
    double total = squared_sum_[c] - sum_[c] * mean;
    raw[c] = 1.0 - total_mse_[c] / total;
    if (std::isinf(raw[c])) raw[c] = 0.0;
  }
  return raw;
}

double R2Score::adjust(double r2) const {
  // Keras warns and leaves the score unadjusted when n - 1 <= num_regressors.
  double n = num_samples_, p = options_.num_regressors;
  if (p == 0 || p >= n - 1) return r2;
  return 1.0 - (1.0 - r2) * (n - 1.0) / (n - p - 1.0);
}

double R2Score::result() const {
  std::vector<double> raw = raw_scores();
  if (raw.empty()) return 0.0;
  double r2 = 0.0;
  if (options_.class_aggregation && *options_.class_aggregation == "variance_weighted_average") {
    double weighted = 0.0, weights = 0.0;
    for (std::size_t c = 0; c < raw.size(); ++c) {
      double total = squared_sum_[c] - sum_[c] * (sum_[c] / count_[c]);
      weighted += total * raw[c];
      weights += total;
    }
    r2 = weighted / weights;
  } else {
    for (double v : raw) r2 += v;
    r2 /= static_cast<double>(raw.size());
  }
  return adjust(r2);
}

std::vector<double> R2Score::result_values() const {
  if (options_.class_aggregation) return {result()};
  std::vector<double> raw = raw_scores();
  for (double& v : raw) v = adjust(v);
  return raw;
}

void R2Score::reset_state() {
  std::size_t n = outputs_ < 0 ? 0 : static_cast<std::size_t>(outputs_);
  sum_.assign(n, 0.0);
  squared_sum_.assign(n, 0.0);
  total_mse_.assign(n, 0.0);
  count_.assign(n, 0.0);
  num_samples_ = 0.0;
}

Json R2Score::config() const {
  Json c = Metric::config();
  c["class_aggregation"] =
      options_.class_aggregation ? Json(*options_.class_aggregation) : Json(nullptr);
  c["num_regressors"] = options_.num_regressors;
  return c;
}

}  // namespace mz::metrics
