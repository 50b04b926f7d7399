// BidirectionalAssociativeMemory (Kosko 1988): stores bipolar pattern pairs in one matrix M
// and recalls them by alternating X -> Y (through M) and Y -> X (through M^T).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// One recall: the final pair, the energy -x M y^T after each half-step pair (first entry:
// after the first pass), the passes used and whether the pair became stable.
struct BamRecall {
  Tensor x;  // (n, x_units) float64, +-1
  Tensor y;  // (n, y_units) float64, +-1
  std::vector<std::vector<double>> energy;
  std::vector<int64_t> passes;
  std::vector<bool> converged;
};

class BidirectionalAssociativeMemory {
 public:
  // A memory between x_units and y_units bipolar units (M is x_units x y_units).
  BidirectionalAssociativeMemory(int64_t x_units, int64_t y_units);

  // Stores pairs x (m, x_units), y (m, y_units): M = sum_k x_k^T y_k. coding "bipolar" needs
  // entries -1/+1; "binary" needs 0/1 and maps them with 2v - 1 first. Replaces M.
  void store(const Tensor& x, const Tensor& y, const std::string& coding = "bipolar");
  // The correlation matrix M (x_units, y_units) float64.
  Tensor weights() const;
  // Replaces M; throws ShapeError unless `weights` is (x_units, y_units).
  void set_weights(const Tensor& weights);
  int64_t x_units() const { return nx_; }
  int64_t y_units() const { return ny_; }
  // Recall from x (n, x_units): y = sgn(x M), x = sgn(y M^T), ... until stable or max_passes.
  // A unit whose net input is 0 keeps its previous state (+1 before the first pass).
  BamRecall recall_from_x(const Tensor& x, int64_t max_passes = 100) const;
  // Recall from y (n, y_units), starting with x = sgn(y M^T).
  BamRecall recall_from_y(const Tensor& y, int64_t max_passes = 100) const;
  // E(x, y) = -x M y^T for each row pair.
  std::vector<double> energy(const Tensor& x, const Tensor& y) const;

 private:
  la::Matrix coded(const Tensor& t, int64_t units, const char* who, const char* name,
                   const std::string& coding) const;
  BamRecall run(la::Matrix x, la::Matrix y, bool from_x, int64_t max_passes) const;

  int64_t nx_, ny_;
  la::Matrix m_;
};

// The short name.
using BAM = BidirectionalAssociativeMemory;

}  // namespace mz::classic
