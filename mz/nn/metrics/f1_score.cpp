// F1Score: Keras 3's F1Score (keras/src/metrics/f_score_metrics.py).
#include "mz/nn/metrics/f1_score.h"

namespace mz::metrics {

F1Score::F1Score(F1ScoreOptions options)
    : FBetaScore({.average = std::move(options.average),
                  .beta = 1.0,
                  .threshold = options.threshold,
                  .name = std::move(options.name)}) {}

Json F1Score::config() const {
  Json c = FBetaScore::config();
  c.erase("beta");
  return c;
}

}  // namespace mz::metrics
