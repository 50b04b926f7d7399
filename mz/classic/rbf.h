// RadialBasisNetwork: radbas hidden layer (MATLAB netprod: a = exp(-(b * ||c - x||)^2)) and a
// linear output layer, designed exactly (newrbe), greedily (newrb) or with k-means centres.
#pragma once

#include <cstdint>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// radbas crosses 0.5 at distance `spread` when b = kRadbasHalf / spread (MATLAB).
inline constexpr double kRadbasHalf = 0.8325546111576977;  // sqrt(ln 2)

// newrb options (MATLAB defaults): stop at MSE <= goal or max_neurons (0: one per sample).
struct RbfGrowOptions {
  double goal = 0.0;
  double spread = 1.0;
  int64_t max_neurons = 0;
};

// k-means RBF (Moody & Darken 1989): `centers` prototypes by Lloyd's k-means (k-means++
// seeding), Gaussian width of each = width_scale x distance to its nearest other centre,
// output weights by least squares.
struct RbfKMeansOptions {
  int64_t centers = 10;
  double width_scale = 1.0;
  int64_t iterations = 100;
  uint64_t seed = 0;
};

class RadialBasisNetwork {
 public:
  // A network from explicit centres (K, d), per-neuron biases b (K,), output weights (K, o)
  // and output biases (o,).
  RadialBasisNetwork(const Tensor& centers, const Tensor& biases, const Tensor& weights,
                     const Tensor& output_bias);

  // newrbe: one neuron per sample of x (Q, d), b = 0.8326 / spread, output layer solving
  // [W2 b2] [A1; 1] = T exactly (minimum norm); zero error on the design points.
  static RadialBasisNetwork exact(const Tensor& x, const Tensor& t, double spread = 1.0);
  // newrb: adds, one at a time, a neuron centred on the sample with the largest error and
  // re-solves the output layer by least squares, until MSE <= goal or max_neurons.
  static RadialBasisNetwork grow(const Tensor& x, const Tensor& t, RbfGrowOptions options = {});
  // Two-stage training: k-means centres, nearest-centre widths, least-squares output.
  static RadialBasisNetwork kmeans(const Tensor& x, const Tensor& t, RbfKMeansOptions options = {});

  // Outputs (n, o) for inputs (n, d).
  Tensor predict(const Tensor& x) const;
  int64_t neurons() const { return c_.rows; }
  Tensor centers() const { return la::to_tensor(c_); }
  Tensor biases() const { return la::to_tensor(b_, Shape{c_.rows}); }
  // The output weights (K, o) and output biases (o,) as float64.
  Tensor weights() const { return la::to_tensor(w_); }
  Tensor output_bias() const { return la::to_tensor(out_bias_, Shape{w_.cols}); }
  // Training MSE after each neuron newrb added (empty for the other designs).
  const std::vector<double>& history() const { return history_; }

 private:
  RadialBasisNetwork() = default;
  la::Matrix hidden(const la::Matrix& x) const;  // (n, K)
  void solve_output(const la::Matrix& x, const la::Matrix& t, const char* who);

  la::Matrix c_, w_;
  std::vector<double> b_, out_bias_;
  std::vector<double> history_;
};

// MATLAB's factory names.
RadialBasisNetwork newrbe(const Tensor& x, const Tensor& t, double spread = 1.0);
RadialBasisNetwork newrb(const Tensor& x, const Tensor& t, RbfGrowOptions options = {});

}  // namespace mz::classic
