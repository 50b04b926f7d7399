// AUC: Keras 3's AUC (keras/src/metrics/confusion_metrics.py): thresholds, the bucketed
// confusion counts, and result() / interpolate_pr_auc() term by term.
#include "mz/nn/metrics/auc.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "mz/core/grad_mode.h"
#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/activation.h"

namespace mz::metrics {

AUC::AUC(AUCOptions options) : Metric(options.name), options_(std::move(options)) {
  std::string who = str("AUC '", name(), "'");
  if (options_.curve == "roc") options_.curve = "ROC";
  if (options_.curve == "pr") options_.curve = "PR";
  if (options_.curve != "ROC" && options_.curve != "PR")
    throw ValueError(str(who, ": curve must be \"ROC\" or \"PR\", got \"", options_.curve, "\"."));
  std::string& method = options_.summation_method;
  if (!method.empty()) method[0] = static_cast<char>(std::tolower(method[0]));
  if (method != "interpolation" && method != "minoring" && method != "majoring")
    throw ValueError(str(who, ": summation_method must be \"interpolation\", \"minoring\" or ",
                         "\"majoring\", got \"", options_.summation_method, "\"."));
  std::vector<double> inner;
  if (!options_.thresholds.empty()) {
    inner = detail::parse_thresholds(options_.thresholds, 0.5, who);
    std::sort(inner.begin(), inner.end());
    options_.num_thresholds = static_cast<int>(inner.size()) + 2;
    std::vector<double> with_ends = inner;
    with_ends.insert(with_ends.begin(), 0.0);
    with_ends.push_back(1.0);
    confusion_.evenly_distributed = detail::is_evenly_distributed(with_ends);
  } else {
    if (options_.num_thresholds <= 1)
      throw ValueError(
          str(who, ": num_thresholds must be > 1, got ", options_.num_thresholds, "."));
    const int n = options_.num_thresholds;
    for (int i = 0; i < n - 2; ++i) inner.push_back((i + 1) * 1.0 / (n - 1));
    confusion_.evenly_distributed = true;
  }
  confusion_.thresholds.push_back(0.0 - detail::kEpsilon);
  confusion_.thresholds.insert(confusion_.thresholds.end(), inner.begin(), inner.end());
  confusion_.thresholds.push_back(1.0 + detail::kEpsilon);
  counts_.reset(confusion_.thresholds.size());
}

void AUC::update_state(const Tensor& y_true, const Tensor& y_pred, const Tensor& sample_weight) {
  NoGrad no_grad;
  Tensor p = options_.from_logits ? sigmoid(y_pred.detach()) : y_pred;
  detail::update_confusion_matrix(counts_, y_true, p, sample_weight, confusion_,
                                  str("AUC '", name(), "'"));
}

double AUC::interpolate_pr_auc() const {
  const auto& tp = counts_.tp;
  const auto& fp = counts_.fp;
  const auto& fn = counts_.fn;
  const std::size_t n = tp.size();
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    double dtp = tp[i] - tp[i + 1];
    double p0 = tp[i] + fp[i], p1 = tp[i + 1] + fp[i + 1];
    double dp = p0 - p1;
    double slope = detail::divide_no_nan(dtp, std::max(dp, 0.0));
    double intercept = tp[i + 1] - slope * p1;
    double ratio = p0 > 0 && p1 > 0 ? detail::divide_no_nan(p0, std::max(p1, 0.0)) : 1.0;
    total += detail::divide_no_nan(slope * (dtp + intercept * std::log(ratio)),
                                   std::max(tp[i + 1] + fn[i + 1], 0.0));
  }
  return total;
}

double AUC::result() const {
  if (options_.curve == "PR" && options_.summation_method == "interpolation")
    return interpolate_pr_auc();
  const std::size_t n = counts_.tp.size();
  std::vector<double> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    double recall = detail::divide_no_nan(counts_.tp[i], counts_.tp[i] + counts_.fn[i]);
    if (options_.curve == "ROC") {
      x[i] = detail::divide_no_nan(counts_.fp[i], counts_.fp[i] + counts_.tn[i]);
      y[i] = recall;
    } else {
      x[i] = recall;
      y[i] = detail::divide_no_nan(counts_.tp[i], counts_.tp[i] + counts_.fp[i]);
    }
  }
  double area = 0.0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    double height = options_.summation_method == "interpolation" ? (y[i] + y[i + 1]) / 2.0
                    : options_.summation_method == "minoring"    ? std::min(y[i], y[i + 1])
                                                                 : std::max(y[i], y[i + 1]);
    area += (x[i] - x[i + 1]) * height;
  }
  return area;
}

void AUC::reset_state() { counts_.reset(confusion_.thresholds.size()); }

Json AUC::config() const {
  Json c = Metric::config();
  c["num_thresholds"] = options_.num_thresholds;
  c["curve"] = options_.curve;
  c["summation_method"] = options_.summation_method;
  c["multi_label"] = false;
  c["num_labels"] = nullptr;
  c["label_weights"] = nullptr;
  c["from_logits"] = options_.from_logits;
  if (!options_.thresholds.empty())
    c["thresholds"] =
        std::vector<double>(confusion_.thresholds.begin() + 1, confusion_.thresholds.end() - 1);
  return c;
}

}  // namespace mz::metrics
