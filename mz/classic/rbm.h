// RestrictedBoltzmannMachine: Bernoulli-Bernoulli RBM (Smolensky 1986) trained by CD-k
// (Hinton 2002) or persistent CD (Tieleman 2008); exact log-likelihood for small models.
#pragma once

#include <cstdint>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/generator.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// Training options: learning rate, Gibbs steps k, persistent chains (PCD) or chains restarted
// at the data (CD), mini-batch size (0: full batch), number of persistent chains (0: batch
// size), the standard deviation of the initial weights, and the seed.
struct RbmOptions {
  double learning_rate = 0.1;
  int64_t k = 1;
  bool persistent = false;
  int64_t batch_size = 0;
  int64_t chains = 0;
  double init_std = 0.01;
  uint64_t seed = 0;
};

class RestrictedBoltzmannMachine {
 public:
  // W ~ N(0, init_std^2) (visible, hidden), zero biases.
  RestrictedBoltzmannMachine(int64_t visible, int64_t hidden, RbmOptions options = {});

  int64_t visible() const { return w_.rows; }
  int64_t hidden() const { return w_.cols; }
  // Trains on binary data (n, visible) for `epochs` passes; returns the mean squared
  // reconstruction error (v - p(v | h ~ p(h | v))) of each epoch.
  std::vector<double> fit(const Tensor& data, int64_t epochs);
  // p(h_j = 1 | v) = sigmoid(c_j + v W_:j) for rows v (n, visible).
  Tensor hidden_probabilities(const Tensor& v) const;
  // p(v_i = 1 | h) = sigmoid(b_i + W_i: h) for rows h (n, hidden).
  Tensor visible_probabilities(const Tensor& h) const;
  // F(v) = -b^T v - sum_j log(1 + exp(c_j + v W_:j)) per row.
  std::vector<double> free_energy(const Tensor& v) const;
  // log Z by enumeration over the smaller layer (at most 24 units).
  double log_partition() const;
  // Mean exact log-likelihood of the rows of `data`: -F(v) - log Z.
  double log_likelihood(const Tensor& data) const;
  Tensor weights() const { return la::to_tensor(w_); }
  Tensor visible_bias() const { return la::to_tensor(b_, Shape{w_.rows}); }
  Tensor hidden_bias() const { return la::to_tensor(c_, Shape{w_.cols}); }
  // Sets W (visible, hidden), b (visible,) and c (hidden,); throws ShapeError for other shapes.
  void set_weights(const Tensor& weights, const Tensor& visible_bias, const Tensor& hidden_bias);
  // The construction options.
  const RbmOptions& options() const { return options_; }

 private:
  la::Matrix binary(const Tensor& t, const char* who) const;
  void hidden_probs(const double* v, double* out) const;
  void visible_probs(const double* h, double* out) const;
  double free_energy_of(const double* v) const;

  RbmOptions options_;
  la::Matrix w_;
  std::vector<double> b_, c_;
  la::Matrix chains_;  // persistent visible states
  Generator gen_;
};

// The short name.
using RBM = RestrictedBoltzmannMachine;

// All distinct bars-and-stripes patterns of a side x side grid (2^(side+1) - 2 rows).
Tensor bars_and_stripes(int side);

}  // namespace mz::classic
