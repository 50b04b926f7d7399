// HammingNet: Lippmann's (1987) Hamming network, a feed-forward matching layer followed by an
// explicit MAXNET (recurrent lateral inhibition) that leaves the nearest exemplar active.
#pragma once

#include <cstdint>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// Layer 1 gives s_j = scale x (N - HD(u, x_j)) clipped to [0, max_score] (neurolab newhem:
// scale 0.1, max_score 10); MAXNET y_j <- max(0, y_j - epsilon sum_{k != j} y_k) with
// epsilon in (0, 1/M] (0 selects 1/M, neurolab's choice; Lippmann asks for < 1/M), run until
// at most one unit is positive, nothing changes, or max_iterations.
struct HammingNetOptions {
  double scale = 1.0;
  double max_score = 1e300;
  double epsilon = 0.0;
  int64_t max_iterations = 100;
};

// What recall returns per input: the MAXNET outputs (n, M), the winner (-1 when not unique),
// the iterations used and the whole trajectory (one row of M values per iteration).
struct HammingRecall {
  Tensor outputs;
  std::vector<int64_t> winners;
  std::vector<int64_t> iterations;
  std::vector<std::vector<std::vector<double>>> trajectory;
};

class HammingNet {
 public:
  // Stores M bipolar exemplars (M, N); other values throw ValueError.
  explicit HammingNet(const Tensor& exemplars, HammingNetOptions options = {});

  int64_t exemplars() const { return x_.rows; }
  // The stored exemplars (M, N) float64 and the construction options.
  Tensor patterns() const { return la::to_tensor(x_); }
  const HammingNetOptions& options() const { return options_; }
  // Layer-1 scores (n, M) for bipolar inputs (n, N).
  Tensor scores(const Tensor& inputs) const;
  // Layer 1 then MAXNET for every input row.
  HammingRecall recall(const Tensor& inputs) const;

 private:
  la::Matrix check(const Tensor& t, const char* who, const char* name, int64_t width) const;
  la::Matrix score_matrix(const la::Matrix& u) const;

  la::Matrix x_;
  HammingNetOptions options_;
  double epsilon_;
};

}  // namespace mz::classic
