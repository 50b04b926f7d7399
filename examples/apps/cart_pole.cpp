// The control demo: a 4-4-1 tanh network trained by the cross-entropy method balances the
// Barto-Sutton-Anderson cart-pole (cart_pole_plant.h) for 100,000 steps from 81 varied starts.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "examples/apps/cart_pole_plant.h"
#include "examples/apps/demo_support.h"
#include "examples/apps/demos.h"
#include "mz/core/error.h"
#include "mz/plot/chart.h"

namespace mz::apps {

namespace {

constexpr double kDegrees = 57.29577951308232;

std::string describe(const CartPoleState& s) {
  char text[96];
  std::snprintf(text, sizeof text, "x=%+.1f v=%+.1f th=%+.1f° w=%+.1f", s.x, s.x_dot,
                s.theta * kDegrees, s.theta_dot);
  return text;
}

}  // namespace

DemoResult cart_pole(const DemoOptions& options, std::ostream& out) {
  check_params("cart_pole", options, {"hidden", "steps"});
  const int hidden = static_cast<int>(param("cart_pole", options, "hidden", 4));
  const auto steps =
      static_cast<int64_t>(param("cart_pole", options, "steps", options.quick ? 20000 : 100000));
  const CartPoleParams plant;

  // Training: 16 random starts from a box 1.3 times the test grid's, plus the 16 corners of
  // the box 1.2 times the grid's (the hardest starts: cart, pole and their speeds all one way);
  // 1,000-step episodes.
  std::vector<CartPoleState> train_starts =
      random_starts(16, 1.3 * 1.0, 1.3 * 0.5, 1.3 * 0.1, 1.3 * 0.5, options.seed + 1);
  for (const CartPoleState& s : corner_starts(1.2 * 1.0, 1.2 * 0.5, 1.2 * 0.1, 1.2 * 0.5)) {
    train_starts.push_back(s);
  }
  PoleController controller(hidden);
  CemFit fit = train_cem(controller, train_starts,
                         {.population = 40,
                          .elite = 8,
                          .generations = 50,
                          .episode_steps = 1000,
                          .seed = options.seed},
                         plant);
  out << "cart_pole: cross-entropy method on " << controller.parameter_count() << " weights (4-"
      << hidden << "-1 net), " << fit.generations << " generations, "
      << (fit.solved ? "balanced" : "did not balance")
      << " all 32 training starts for 1000 steps\n";

  // Test: every start of the grid x in {-1, 0, 1} m, v in {-0.5, 0, 0.5} m/s, theta in
  // {-0.1, 0, 0.1} rad, omega in {-0.5, 0, 0.5} rad/s.
  std::vector<CartPoleState> grid = grid_starts(1.0, 0.5, 0.1, 0.5);
  int64_t balanced = 0, fewest = steps;
  double worst_x = 0;
  for (const CartPoleState& start : grid) {
    BalanceRun run = balance(controller, start, steps, 0, plant);
    if (!run.failed)
      ++balanced;
    else
      out << "cart_pole: failed after " << run.steps << " steps from " << describe(start) << "\n";
    fewest = std::min(fewest, run.steps);
    worst_x = std::max(worst_x, run.mean_abs_x);
  }
  const double rate = static_cast<double>(balanced) / static_cast<double>(grid.size());
  out << "cart_pole: balanced " << balanced << "/" << grid.size() << " starts for " << steps
      << " steps (fewest steps " << fewest << ", largest mean |x| " << worst_x << " m)\n";

  // Pictures: the first 20 s from four starts, and the training curve.
  const CartPoleState shown[4] = {
      {0, 0, 0.1, 0}, {1.0, 0.5, 0.1, 0.5}, {-1.0, 0.5, -0.1, -0.5}, {0.5, -0.5, -0.05, 0.5}};
  std::vector<plot::Series> angle, position;
  for (const CartPoleState& start : shown) {
    BalanceRun run = balance(controller, start, 1000, 1000, plant);
    plot::Series a{describe(start), {}, {}}, x{describe(start), {}, {}};
    for (std::size_t k = 0; k < run.trace.size(); ++k) {
      const double t = static_cast<double>(k) * plant.tau;
      a.x.push_back(t);
      a.y.push_back(run.trace[k].theta * kDegrees);
      x.x.push_back(t);
      x.y.push_back(run.trace[k].x);
    }
    angle.push_back(a);
    position.push_back(x);
  }
  plot::Series best{"best sample", {}, {}}, mean{"mean weights", {}, {}};
  for (std::size_t g = 0; g < fit.best_fitness.size(); ++g) {
    best.x.push_back(static_cast<double>(g + 1));
    best.y.push_back(fit.best_fitness[g]);
    mean.x.push_back(static_cast<double>(g + 1));
    mean.y.push_back(fit.mean_fitness[g]);
  }
  DemoResult result;
  write_output(options, "cart_pole_angle.svg",
               plot::line_chart_svg(angle, {.title = "Cart-pole: pole angle, neural controller",
                                            .x_label = "time (s)",
                                            .y_label = "angle (degrees)"}),
               result);
  write_output(options, "cart_pole_position.svg",
               plot::line_chart_svg(position, {.title = "Cart-pole: cart position",
                                               .x_label = "time (s)",
                                               .y_label = "x (m)"}),
               result);
  write_output(
      options, "cart_pole_training.svg",
      plot::line_chart_svg({best, mean}, {.title = "Cross-entropy method: fitness per generation",
                                          .x_label = "generation",
                                          .y_label = "fitness (1 = every start balanced)"}),
      result);
  result.figure_of_merit = str("starts balanced for ", steps, " steps (of ", grid.size(), ")");
  result.value = rate;
  result.passed = balanced == static_cast<int64_t>(grid.size());
  return result;
}

}  // namespace mz::apps
