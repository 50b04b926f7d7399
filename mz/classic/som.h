// SelfOrganizingMap: Kohonen's map on a 2-D rectangular or hexagonal grid, online and batch
// training, quantisation and topographic errors, U-matrix, hit map and component planes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/generator.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// Construction options; the defaults are MiniSom's (sigma 1, learning rate 0.5, Gaussian,
// asymptotic decay p / (1 + t / (T/2))).
struct SelfOrganizingMapOptions {
  std::string topology = "rectangular";    // "rectangular" or "hexagonal"
  std::string neighborhood = "gaussian";   // "gaussian", "bubble" or "mexican_hat"
  double sigma = 1.0;                      // initial neighbourhood radius (grid units)
  double learning_rate = 0.5;              // initial learning rate (online training)
  std::string decay = "asymptotic";        // "asymptotic", "linear" or "exponential"
  double final_sigma = 0.5;                // end radius for "linear" and "exponential"
  double final_learning_rate = 0.01;       // end rate for "linear" and "exponential"
  uint64_t seed = 0;                       // seeds init and the random sample order
};

// Online training options: `steps` single-sample updates, samples drawn at random
// ("random", MiniSom train_random) or cycled in file order ("sequential", MiniSom train).
struct SomTrainOptions {
  int64_t steps = 1000;
  std::string order = "random";
};

class SelfOrganizingMap {
 public:
  // A rows x cols map of input_dim-dimensional prototypes, drawn uniformly from [0, 1).
  SelfOrganizingMap(int64_t rows, int64_t cols, int64_t input_dim,
                    SelfOrganizingMapOptions options = {});

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  int64_t input_dim() const { return dim_; }
  // The construction options (topology, neighbourhood, schedules, seed).
  const SelfOrganizingMapOptions& options() const { return options_; }
  // The prototypes as (rows, cols, input_dim) float64.
  Tensor weights() const;
  // Replaces the prototypes; `weights` must be (rows, cols, input_dim).
  void set_weights(const Tensor& weights);
  // Grid coordinates (x, y) of unit `unit` (= row * cols + col); hexagonal rows are offset.
  std::pair<double, double> position(int64_t unit) const;
  // Euclidean distance between two units on the grid.
  double grid_distance(int64_t a, int64_t b) const;

  // Prototypes set to randomly chosen samples of `data` (n, input_dim).
  void random_init(const Tensor& data);
  // Prototypes spread over the plane of the two main principal components around the mean:
  // mean + c1 e1 + c2 e2, c in linspace(-1, 1) along rows and columns.
  void pca_init(const Tensor& data);

  // Online (Kohonen) training: w_i += lr(t) h_{c,i}(t) (x - w_i).
  void train(const Tensor& data, SomTrainOptions options = {});
  // Batch training: w_i = sum_j h_{c(j),i} x_j / sum_j h_{c(j),i}, radius decaying per epoch.
  void train_batch(const Tensor& data, int64_t epochs);

  // Best-matching unit index (row * cols + col) of every sample.
  std::vector<int64_t> winners(const Tensor& data) const;
  // Mean distance from each sample to its best-matching prototype (not squared).
  double quantization_error(const Tensor& data) const;
  // Share of samples whose best and second-best units are not grid neighbours (rectangular:
  // the 8 surrounding units, distance <= 1.42, as MiniSom; hexagonal: the 6 at distance 1).
  double topographic_error(const Tensor& data) const;
  // Mean distance of each prototype to its grid neighbours, (rows, cols).
  Tensor u_matrix() const;
  // Number of samples won by each unit, (rows, cols).
  Tensor hit_map(const Tensor& data) const;
  // Each input component over the grid, (input_dim, rows, cols).
  Tensor component_planes() const;
  // The neighbourhood value between a winner and a unit at grid distance d for radius sigma.
  double neighborhood(double d, double sigma) const;

 private:
  la::Matrix data_matrix(const Tensor& data, const char* who) const;
  int64_t bmu(const double* x) const;
  double schedule(double start, double end, int64_t t, int64_t total) const;
  bool adjacent(int64_t a, int64_t b) const;

  int64_t rows_, cols_, dim_;
  SelfOrganizingMapOptions options_;
  la::Matrix w_;  // (rows * cols, dim)
  Generator gen_;
};

}  // namespace mz::classic
