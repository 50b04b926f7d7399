// Optimisation: the TSP by the Hopfield-Tank network and by simulated annealing, on the 10
// cities of classic.md §9.4 (optimum by exhaustive search) and 30 random ones (best 2-opt).
// Figure of merit: the share of annealing runs that find the 10-city optimum.
#include <algorithm>
#include <cmath>
#include <ostream>
#include <random>

#include "examples/apps/demo_support.h"
#include "examples/apps/tsp_search.h"
#include "mz/classic/hopfield_tank.h"
#include "mz/classic/svg.h"
#include "mz/ops/creation.h"
#include "mz/plot/chart.h"

namespace mz::apps {

namespace {

// The ten cities of Hopfield & Tank (1985) and Wilson & Pawley (1988).
const Cities kTenCities = {{0.4000, 0.4439}, {0.2439, 0.1463}, {0.1707, 0.2293}, {0.2293, 0.7610},
                           {0.5171, 0.9414}, {0.8732, 0.6536}, {0.6878, 0.5219}, {0.8488, 0.3609},
                           {0.6683, 0.2536}, {0.6195, 0.2634}};

Tensor as_tensor(const Cities& cities) { return to_tensor(cities); }

// What the network did over `runs` seeds: valid tours, their mean and best length, the best
// tour, and the energy trace of the first run.
struct NetworkRuns {
  int valid = 0;
  double mean_length = 0;
  double best_length = 0;
  Tour best;
  std::vector<double> energy;
};

NetworkRuns run_network(const Cities& cities, int runs, int64_t steps, uint64_t seed) {
  const classic::HopfieldTank net(as_tensor(cities));
  NetworkRuns r;
  r.best_length = 1e300;
  for (int k = 0; k < runs; ++k) {
    classic::HopfieldTankOptions o;
    o.steps = steps;
    o.seed = seed + k;
    o.n_tilde = static_cast<double>(cities.size()) + 5;  // 15 for ten cities, as published
    const classic::TspRun run = net.solve(o);
    if (k == 0) r.energy = run.energy;
    if (!run.valid) continue;
    ++r.valid;
    r.mean_length += run.length;
    if (run.length < r.best_length) r.best_length = run.length, r.best = run.tour;
  }
  if (r.valid) r.mean_length /= r.valid;
  return r;
}

// Annealing over `runs` seeds: how many reached `target` (within 1e-9), mean and best.
struct AnnealRuns {
  int hits = 0;
  double mean_length = 0;
  double best_length = 1e300;
  Tour best;
};

// The schedule of classic.md §9.4 (100 moves per stage for ten cities), with the moves per
// stage growing with the city count.
AnnealRuns run_annealing(const std::vector<std::vector<double>>& dist, int runs, double target,
                         std::mt19937_64& rng) {
  AnnealRuns r;
  const AnnealingOptions schedule{.moves_per_stage = 10 * static_cast<int64_t>(dist.size())};
  for (int k = 0; k < runs; ++k) {
    const Tour tour = anneal_tour(dist, schedule, rng);
    const double length = tour_length(dist, tour);
    r.hits += length <= target + 1e-9;
    r.mean_length += length / runs;
    if (length < r.best_length) r.best_length = length, r.best = tour;
  }
  return r;
}

std::string fixed(double v, int digits = 4) {
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(digits);
  o << v;
  return o.str();
}

}  // namespace

DemoResult tsp(const DemoOptions& options, std::ostream& out) {
  const std::string name = "tsp";
  check_params(name, options, {"network_runs", "anneal_runs", "steps", "network_runs_30"});
  const int net_runs =
      static_cast<int>(param(name, options, "network_runs", options.quick ? 5 : 100));
  const int net_runs_30 =
      static_cast<int>(param(name, options, "network_runs_30", options.quick ? 1 : 10));
  const int anneal_runs =
      static_cast<int>(param(name, options, "anneal_runs", options.quick ? 10 : 100));
  const auto steps = static_cast<int64_t>(param(name, options, "steps", 2000));
  std::mt19937_64 rng(options.seed);
  DemoResult result;

  // Ten cities: the optimum by exhaustive search, then the network and annealing.
  const auto dist10 = distance_matrix(kTenCities);
  const Tour optimum = exhaustive_tour(dist10);
  const double best10 = tour_length(dist10, optimum);
  out << name << ": 10 cities: optimum by exhaustive search " << fixed(best10) << "\n";
  const NetworkRuns net10 = run_network(kTenCities, net_runs, steps, options.seed);
  out << name << ": 10 cities: Hopfield-Tank valid tours " << net10.valid << "/" << net_runs;
  if (net10.valid)
    out << ", mean length " << fixed(net10.mean_length) << " (ratio "
        << fixed(net10.mean_length / best10, 3) << "), best " << fixed(net10.best_length)
        << ", optimum found " << (net10.best_length <= best10 + 1e-9 ? "yes" : "no");
  out << "\n";
  const AnnealRuns sa10 = run_annealing(dist10, anneal_runs, best10, rng);
  out << name << ": 10 cities: annealing found the optimum in " << sa10.hits << "/" << anneal_runs
      << " runs, mean length " << fixed(sa10.mean_length) << "\n";

  // Thirty random cities in the unit square: the best of 2-opt descents as the reference.
  std::mt19937_64 city_rng(2026);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Cities thirty(30);
  for (auto& c : thirty) c = {unit(city_rng), unit(city_rng)};
  const auto dist30 = distance_matrix(thirty);
  Tour ref30;
  double ref_length = 1e300;
  for (int k = 0; k < (options.quick ? 20 : 200); ++k) {
    const Tour t = two_opt(dist30, random_tour(30, rng));
    if (tour_length(dist30, t) < ref_length) ref_length = tour_length(dist30, t), ref30 = t;
  }
  const AnnealRuns sa30 = run_annealing(dist30, options.quick ? 3 : 20, ref_length, rng);
  out << name << ": 30 cities: best of " << (options.quick ? 20 : 200) << " 2-opt descents "
      << fixed(ref_length) << "; annealing best " << fixed(sa30.best_length) << ", mean "
      << fixed(sa30.mean_length) << " (ratio " << fixed(sa30.mean_length / ref_length, 3) << ")\n";
  const NetworkRuns net30 = run_network(thirty, net_runs_30, steps, options.seed);
  out << name << ": 30 cities: Hopfield-Tank valid tours " << net30.valid << "/" << net_runs_30;
  if (net30.valid) out << ", mean length ratio " << fixed(net30.mean_length / ref_length, 3);
  out << "\n";

  const double found = static_cast<double>(sa10.hits) / anneal_runs;
  const double ratio30 = sa30.mean_length / ref_length;
  result.figure_of_merit = "10-city optimum rate (annealing)";
  result.value = found;
  // The bars: annealing finds the optimum in at least 90% of runs (classic.md §9.4: 100/100)
  // and stays within 5% of the 2-opt reference on 30 cities.
  result.passed = found >= 0.9 && ratio30 <= 1.05;
  out << name << ": bars: optimum rate >= 0.9 (got " << fixed(found, 2)
      << "), 30-city annealing/2-opt <= 1.05 (got " << fixed(ratio30, 3) << ")\n";

  write_output(options, name + "10_optimum.svg",
               classic::tour_svg(as_tensor(kTenCities), optimum,
                                 "10 cities: optimum " + fixed(best10) + " (exhaustive search)"),
               result);
  write_output(
      options, name + "10_hopfield_tank.svg",
      classic::tour_svg(
          as_tensor(kTenCities), net10.best,
          net10.valid ? "10 cities: best Hopfield-Tank tour " + fixed(net10.best_length) + " (" +
                            std::to_string(net10.valid) + "/" + std::to_string(net_runs) + " valid)"
                      : "10 cities: no valid Hopfield-Tank tour"),
      result);
  write_output(options, name + "30_annealing.svg",
               classic::tour_svg(as_tensor(thirty), sa30.best,
                                 "30 cities: annealing " + fixed(sa30.best_length) +
                                     " (2-opt best " + fixed(ref_length) + ")"),
               result);
  plot::Series energy{"energy, run 1", {}, net10.energy};
  for (std::size_t i = 0; i < energy.y.size(); ++i) energy.x.push_back(100.0 * i);
  write_output(options, name + "10_energy.svg",
               plot::line_chart_svg({energy}, {.title = "Hopfield-Tank energy, 10 cities",
                                               .x_label = "Euler step (dt = 1e-5)",
                                               .y_label = "energy"}),
               result);
  return result;
}

}  // namespace mz::apps
