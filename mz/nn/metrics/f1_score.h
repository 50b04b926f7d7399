// F1Score: FBetaScore with beta = 1, the harmonic mean of precision and recall
// (keras.metrics.F1Score).
#pragma once

#include <optional>
#include <string>

#include "mz/nn/metrics/f_beta_score.h"

namespace mz::metrics {

// Keras's F1Score(average, threshold, name).
struct F1ScoreOptions {
  // Unset: one score per class (result() gives their mean, result_values() each); "micro",
  // "macro" or "weighted".
  std::optional<std::string> average = std::nullopt;
  std::optional<double> threshold =
      std::nullopt;  // unset: each row's largest value(s) are positive
  std::string name = "f1_score";
};

class F1Score : public FBetaScore {
 public:
  explicit F1Score(F1ScoreOptions options = {});
  std::string class_name() const override { return "F1Score"; }
  // FBetaScore's keys without "beta".
  Json config() const override;
};

}  // namespace mz::metrics
