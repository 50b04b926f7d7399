// Hopfield: the discrete (bipolar) Hopfield network of 1982 with Hebbian or pseudo-inverse
// (projection) storage, synchronous or asynchronous recall, and the energy along the way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/generator.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// Recall options. "asynchronous" updates one unit at a time in a fresh random order each
// sweep (the order the energy argument needs); "synchronous" updates all units at once and
// may end in a 2-cycle. A unit whose net input is exactly 0 keeps its state.
struct HopfieldRecallOptions {
  std::string mode = "asynchronous";  // "asynchronous" or "synchronous"
  int64_t max_sweeps = 100;           // sweeps (asynchronous) or steps (synchronous)
  uint64_t seed = 0;                  // seeds the asynchronous update order
};

// What recall returns: the final states, the energy of each pattern after every sweep
// (first entry: the start state), whether each settled to a fixed point, and sweeps used.
struct HopfieldRecall {
  Tensor states;                             // (n, units) float64, entries -1 or +1
  std::vector<std::vector<double>> energy;   // per pattern: E at start and after each sweep
  std::vector<bool> converged;               // per pattern
  std::vector<int64_t> sweeps;               // per pattern
};

class Hopfield {
 public:
  // An empty network of `units` bipolar units (zero weights and thresholds).
  explicit Hopfield(int64_t units);

  int64_t units() const { return n_; }
  // Stores bipolar patterns (P, units): rule "hebb" W = (1/N) sum xi xi^T, or "projection"
  // W = X (X^T X)^-1 X^T (the pseudo-inverse rule); the diagonal is zeroed in both. Replaces
  // any previous weights. Entries other than -1 and +1 throw ValueError.
  void store(const Tensor& patterns, const std::string& rule = "hebb");
  // The weight matrix (units, units) float64.
  Tensor weights() const;
  // The thresholds (units,) float64.
  Tensor thresholds() const;
  // Sets the weights (symmetric, (units, units)) and optional thresholds (units,).
  void set_weights(const Tensor& weights, const Tensor& thresholds = {});
  // E(s) = -1/2 s^T W s + theta^T s for each row of `states` (n, units).
  std::vector<double> energy(const Tensor& states) const;
  // Runs each row of `states` (n, units, bipolar) to a fixed point or max_sweeps.
  HopfieldRecall recall(const Tensor& states, HopfieldRecallOptions options = {}) const;
  // One synchronous update of every row (n, units): sgn(W s - theta), 0 keeps the state.
  Tensor step(const Tensor& states) const;

 private:
  la::Matrix bipolar(const Tensor& t, const char* who, const char* name) const;
  double energy_of(const double* s) const;

  int64_t n_;
  la::Matrix w_;
  std::vector<double> theta_;
};

}  // namespace mz::classic
