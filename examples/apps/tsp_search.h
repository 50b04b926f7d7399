// Classical TSP baselines for the optimisation demo: tour length, exhaustive search, 2-opt
// local search and simulated annealing with 2-opt moves (classic.md §9.4). Cities are (n, 2)
// coordinates given as rows; a tour is a permutation of 0..n-1, read as a closed loop.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace mz::apps {

using Cities = std::vector<std::vector<double>>;
using Tour = std::vector<int64_t>;

// Euclidean distances (n, n).
std::vector<std::vector<double>> distance_matrix(const Cities& cities);
// Length of the closed tour.
double tour_length(const std::vector<std::vector<double>>& dist, const Tour& tour);

// The shortest tour by trying every one with city 0 first ((n-1)! / 2 distinct tours);
// throws ValueError for n < 3 or n > 12 (too slow beyond).
Tour exhaustive_tour(const std::vector<std::vector<double>>& dist);

// Reverses tour segments while that shortens the tour (first improvement), until no
// reversal helps: a 2-opt local optimum.
Tour two_opt(const std::vector<std::vector<double>>& dist, Tour tour);

// Annealing options: temperature t0, multiplied by `factor` after every `moves_per_stage`
// proposed 2-opt moves, until below t_min (classic.md §9.4: 1, 0.95, 100, 1e-3).
struct AnnealingOptions {
  double t0 = 1.0;
  double factor = 0.95;
  int64_t moves_per_stage = 100;
  double t_min = 1e-3;
};

// Simulated annealing from a random tour: a random segment reversal is accepted when it
// shortens the tour, else with probability exp(-increase / T). Returns the best tour seen.
Tour anneal_tour(const std::vector<std::vector<double>>& dist, const AnnealingOptions& options,
                 std::mt19937_64& rng);

// A uniformly random tour.
Tour random_tour(int64_t n, std::mt19937_64& rng);

}  // namespace mz::apps
