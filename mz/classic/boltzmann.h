// BoltzmannMachine: the stochastic binary network of Ackley, Hinton & Sejnowski (1985) with
// simulated-annealing schedules, Gibbs sampling and the (p+ - p-) learning rule.
#pragma once

#include <cstdint>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/generator.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// One stage of an annealing schedule: `sweeps` Gibbs sweeps at `temperature`.
struct AnnealingStage {
  double temperature = 1.0;
  int64_t sweeps = 1;
};

// The 1985 encoder schedule: 2 sweeps at T = 20, 2 at 15, 2 at 12, 4 at 10.
std::vector<AnnealingStage> ackley_schedule();
// Geometric cooling (Kirkpatrick 1983): t0, t0 x factor, ... while >= t_min, `sweeps` each.
std::vector<AnnealingStage> geometric_schedule(double t0, double factor, double t_min, int64_t sweeps = 1);

// Learning options: rate, the schedule that brings each chain to equilibrium, the number of
// sweeps whose co-occurrences are averaged at the schedule's last temperature, the number of
// free-running chains (0: one per pattern), noisy clamping (probability of flipping a clamped
// bit, which keeps weights finite) and the seed.
struct BoltzmannOptions {
  double learning_rate = 0.1;
  std::vector<AnnealingStage> schedule = {{1.0, 5}};
  int64_t statistics_sweeps = 10;
  int64_t free_chains = 0;
  double clamp_noise = 0.0;
  uint64_t seed = 0;
};

class BoltzmannMachine {
 public:
  // `visible` + `hidden` binary {0, 1} units (visible first), zero weights and biases.
  BoltzmannMachine(int64_t visible, int64_t hidden, BoltzmannOptions options = {});

  int64_t units() const { return w_.rows; }
  int64_t visible() const { return nv_; }
  // The construction options (schedule, statistics, seed).
  const BoltzmannOptions& options() const { return options_; }
  // Symmetric W (units, units) with zero diagonal, and biases (units,).
  Tensor weights() const { return la::to_tensor(w_); }
  Tensor bias() const { return la::to_tensor(b_, Shape{w_.rows}); }
  void set_weights(const Tensor& weights, const Tensor& bias);
  // E(s) = -1/2 s^T W s - b^T s for each row of `states` (n, units).
  std::vector<double> energy(const Tensor& states) const;
  // Anneals each row of `states` (n, units) through `schedule` with Gibbs updates in random
  // order, P(s_i = 1) = 1 / (1 + exp(-dE_i / T)); the first `clamped` units stay fixed.
  Tensor anneal(const Tensor& states, const std::vector<AnnealingStage>& schedule, int64_t clamped = 0);
  // `count` samples (count, units) of one chain at temperature T, `thin` sweeps apart, after
  // `burn_in` sweeps from a random state.
  Tensor sample(int64_t count, double temperature = 1.0, int64_t burn_in = 100, int64_t thin = 1);
  // One learning epoch per call: dw_ij = lr (<s_i s_j>+ - <s_i s_j>-), clamped to `data`
  // (n, visible) in the + phase and free in the - phase; returns the mean |dw|.
  double fit_epoch(const Tensor& data);
  // Exact mean log-likelihood at T = 1 of the visible rows of `data` (units <= 20).
  double log_likelihood(const Tensor& data) const;

 private:
  la::Matrix binary(const Tensor& t, int64_t width, const char* who) const;
  void sweep(double* s, double temperature, int64_t clamped);

  int64_t nv_;
  BoltzmannOptions options_;
  la::Matrix w_;
  std::vector<double> b_;
  Generator gen_;
};

}  // namespace mz::classic
