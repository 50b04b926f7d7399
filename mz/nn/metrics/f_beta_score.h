// FBetaScore: the weighted harmonic mean of precision and recall,
// (1 + beta^2) p r / (beta^2 p + r), per class or averaged (keras.metrics.FBetaScore).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mz/nn/metrics/metric.h"

namespace mz::metrics {

// Keras's FBetaScore(average, beta, threshold, name).
struct FBetaScoreOptions {
  // Unset: one score per class; "micro" (pooled counts), "macro" (mean over classes) or
  // "weighted" (mean weighted by each class's number of true instances).
  std::optional<std::string> average = std::nullopt;
  double beta = 1.0;  // > 0
  // In (0, 1]: y_pred > threshold is positive. Unset: each row's largest value(s) are positive.
  std::optional<double> threshold = std::nullopt;
  std::string name = "fbeta_score";
};

class FBetaScore : public Metric {
 public:
  // Throws ValueError for an unknown average, beta <= 0 or a threshold outside (0, 1].
  explicit FBetaScore(FBetaScoreOptions options = {});
  // y_true (batch, classes) of 0/1 and y_pred (batch, classes); sample_weight (batch,).
  // Throws ValueError for other ranks or a class count that changed since the first batch.
  void update_state(const Tensor& y_true, const Tensor& y_pred,
                    const Tensor& sample_weight = {}) override;
  // The averaged score; with average unset, the mean of the per-class scores.
  double result() const override;
  // One score per class with average unset, else {result()}.
  std::vector<double> result_values() const override;
  void reset_state() override;
  std::string class_name() const override { return "FBetaScore"; }
  // Metric's keys plus "average", "beta", "threshold".
  Json config() const override;

 protected:
  // The per-class (or micro: single) scores before averaging.
  std::vector<double> scores() const;

  FBetaScoreOptions options_;

 private:
  std::vector<double> tp_, fp_, fn_, weights_;  // per class, or one entry for "micro"
  int64_t classes_ = -1;                        // fixed by the first batch
};

}  // namespace mz::metrics
