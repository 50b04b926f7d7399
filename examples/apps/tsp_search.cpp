// TSP baselines: exhaustive search, 2-opt and simulated annealing (see tsp_search.h).
#include "examples/apps/tsp_search.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mz/core/error.h"

namespace mz::apps {

std::vector<std::vector<double>> distance_matrix(const Cities& cities) {
  const std::size_t n = cities.size();
  std::vector<std::vector<double>> d(n, std::vector<double>(n, 0.0));
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b)
      d[a][b] = std::hypot(cities[a][0] - cities[b][0], cities[a][1] - cities[b][1]);
  return d;
}

double tour_length(const std::vector<std::vector<double>>& dist, const Tour& tour) {
  double total = 0;
  for (std::size_t i = 0; i < tour.size(); ++i) total += dist[tour[i]][tour[(i + 1) % tour.size()]];
  return total;
}

Tour exhaustive_tour(const std::vector<std::vector<double>>& dist) {
  const auto n = static_cast<int64_t>(dist.size());
  if (n < 3 || n > 12)
    throw ValueError(
        mz::str("exhaustive_tour: city count out of range: expected 3 to 12, got ", n, "."));
  Tour tour(n);
  std::iota(tour.begin(), tour.end(), 0);
  Tour best = tour;
  double best_length = tour_length(dist, tour);
  // City 0 stays first; each tour and its reverse are both visited (a factor 2 is cheap here).
  while (std::next_permutation(tour.begin() + 1, tour.end())) {
    const double length = tour_length(dist, tour);
    if (length < best_length - 1e-12) best_length = length, best = tour;
  }
  return best;
}

Tour two_opt(const std::vector<std::vector<double>>& dist, Tour tour) {
  const std::size_t n = tour.size();
  for (bool improved = true; improved;) {
    improved = false;
    for (std::size_t i = 0; i + 1 < n; ++i)
      for (std::size_t j = i + 2; j < n; ++j) {
        if (i == 0 && j == n - 1) continue;  // the same edge pair
        const int64_t a = tour[i], b = tour[i + 1], c = tour[j], d = tour[(j + 1) % n];
        const double delta = dist[a][c] + dist[b][d] - dist[a][b] - dist[c][d];
        if (delta < -1e-12) {
          std::reverse(tour.begin() + static_cast<std::ptrdiff_t>(i + 1),
                       tour.begin() + static_cast<std::ptrdiff_t>(j + 1));
          improved = true;
        }
      }
  }
  return tour;
}

Tour random_tour(int64_t n, std::mt19937_64& rng) {
  Tour tour(n);
  std::iota(tour.begin(), tour.end(), 0);
  std::shuffle(tour.begin(), tour.end(), rng);
  return tour;
}

Tour anneal_tour(const std::vector<std::vector<double>>& dist, const AnnealingOptions& options,
                 std::mt19937_64& rng) {
  const auto n = static_cast<int64_t>(dist.size());
  Tour tour = random_tour(n, rng), best = tour;
  double length = tour_length(dist, tour), best_length = length;
  std::uniform_int_distribution<int64_t> pick(0, n - 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (double t = options.t0; t >= options.t_min; t *= options.factor)
    for (int64_t m = 0; m < options.moves_per_stage; ++m) {
      int64_t i = pick(rng), j = pick(rng);
      if (i > j) std::swap(i, j);
      if (j - i < 1 || (i == 0 && j == n - 1)) continue;
      // Reversing tour[i..j] replaces edges (i-1, i) and (j, j+1).
      const int64_t a = tour[(i + n - 1) % n], b = tour[i], c = tour[j], d = tour[(j + 1) % n];
      const double delta = dist[a][c] + dist[b][d] - dist[a][b] - dist[c][d];
      if (delta < 0 || unit(rng) < std::exp(-delta / t)) {
        std::reverse(tour.begin() + i, tour.begin() + j + 1);
        length += delta;
        if (length < best_length - 1e-12) best_length = length, best = tour;
      }
    }
  return best;
}

}  // namespace mz::apps
