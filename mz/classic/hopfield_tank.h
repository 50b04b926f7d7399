// HopfieldTank: the continuous Hopfield network of Hopfield & Tank (1985) applied to the
// travelling salesman problem (n x n units V[X][i]: city X at tour position i).
#pragma once

#include <cstdint>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// The published parameters (Biol. Cybern. 52, 1985) and forward Euler integration: u(0) =
// -u0/2 ln(n - 1) plus uniform noise of +-noise x u0.
struct HopfieldTankOptions {
  double a = 500, b = 500, c = 200, d = 500;
  double n_tilde = 15;
  double u0 = 0.02;
  double tau = 1.0;
  double dt = 1e-5;
  int64_t steps = 2000;
  double noise = 0.1;
  int64_t energy_every = 100;  // record E every this many steps (0: never)
  uint64_t seed = 0;
};

// One run: the final outputs V (n, n), the tour (city per position) when V > 0.5 is a
// permutation matrix, its length, whether every V is within 0.1 of 0 or 1, and the energy.
struct TspRun {
  Tensor v;
  bool valid = false;
  bool saturated = false;
  std::vector<int64_t> tour;
  double length = 0.0;
  std::vector<double> energy;
};

class HopfieldTank {
 public:
  // Cities as (n, 2) coordinates (n >= 3); distances are Euclidean.
  explicit HopfieldTank(const Tensor& cities);

  int64_t cities() const { return n_; }
  // The city coordinates (n, 2) float64, as given.
  Tensor coordinates() const { return la::to_tensor(coords_); }
  // Integrates du/dt = -u/tau - dE/dV from a noisy start and decodes the tour.
  TspRun solve(HopfieldTankOptions options = {}) const;
  // The Hopfield-Tank energy of outputs V (n, n) under `options`' A, B, C, D, n_tilde.
  double energy(const Tensor& v, HopfieldTankOptions options = {}) const;
  // Length of the closed tour visiting cities in `tour` order (a permutation of 0..n-1).
  double tour_length(const std::vector<int64_t>& tour) const;

 private:
  double energy_of(const std::vector<double>& v, const HopfieldTankOptions& o) const;

  int64_t n_;
  la::Matrix dist_;
  la::Matrix coords_;  // (n, 2)
};

}  // namespace mz::classic
