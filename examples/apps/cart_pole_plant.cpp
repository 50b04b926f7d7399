// The cart-pole plant, the neural bang-bang controller and its cross-entropy-method trainer.
#include "examples/apps/cart_pole_plant.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "mz/core/error.h"

namespace mz::apps {

namespace {

double sgn(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

// Standard normal draws by Box-Muller from a 64-bit Mersenne twister, so a seed gives the same
// numbers with every standard library (std::normal_distribution's algorithm is unspecified).
class Normal {
 public:
  explicit Normal(uint64_t seed) : rng_(seed) {}
  double uniform() { return (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53; }
  double operator()() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double r = std::sqrt(-2.0 * std::log(uniform()));
    double a = 6.283185307179586 * uniform();
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

 private:
  std::mt19937_64 rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace

CartPoleState cart_pole_step(const CartPoleState& s, double force, const CartPoleParams& p) {
  const double total = p.cart_mass + p.pole_mass;
  const double ml = p.pole_mass * p.half_length;
  const double sin_t = std::sin(s.theta), cos_t = std::cos(s.theta);
  const double temp =
      (-force - ml * s.theta_dot * s.theta_dot * sin_t + p.cart_friction * sgn(s.x_dot)) / total;
  const double theta_acc = (p.gravity * sin_t + cos_t * temp - p.pole_friction * s.theta_dot / ml) /
                           (p.half_length * (4.0 / 3.0 - p.pole_mass * cos_t * cos_t / total));
  const double x_acc = (force + ml * (s.theta_dot * s.theta_dot * sin_t - theta_acc * cos_t) -
                        p.cart_friction * sgn(s.x_dot)) /
                       total;
  CartPoleState n;
  n.x = s.x + p.tau * s.x_dot;
  n.x_dot = s.x_dot + p.tau * x_acc;
  n.theta = s.theta + p.tau * s.theta_dot;
  n.theta_dot = s.theta_dot + p.tau * theta_acc;
  return n;
}

bool cart_pole_failed(const CartPoleState& s, const CartPoleParams& p) {
  return std::abs(s.x) > p.x_limit || std::abs(s.theta) > p.theta_limit;
}

PoleController::PoleController(int hidden) : hidden_(hidden) {
  if (hidden < 0) {
    throw ValueError(str("PoleController: hidden units must be >= 0, got ", hidden, "."));
  }
  params_.assign(hidden == 0 ? 5 : 6 * static_cast<std::size_t>(hidden) + 1, 0.0);
}

void PoleController::set_parameters(const std::vector<double>& params) {
  if (params.size() != params_.size()) {
    throw ValueError(
        str("PoleController: expected ", params_.size(), " parameters, got ", params.size(), "."));
  }
  params_ = params;
}

double PoleController::output(const CartPoleState& s) const {
  const double in[4] = {s.x / 2.4, s.x_dot / 2.0, s.theta / 0.20943951023931953, s.theta_dot / 2.0};
  const double* w = params_.data();
  if (hidden_ == 0) return w[0] * in[0] + w[1] * in[1] + w[2] * in[2] + w[3] * in[3] + w[4];
  const double* b1 = w + 4 * hidden_;
  const double* w2 = b1 + hidden_;
  double out = w2[hidden_];
  for (int h = 0; h < hidden_; ++h) {
    const double* row = w + 4 * h;
    double net = row[0] * in[0] + row[1] * in[1] + row[2] * in[2] + row[3] * in[3] + b1[h];
    out += w2[h] * std::tanh(net);
  }
  return out;
}

double PoleController::force(const CartPoleState& s, const CartPoleParams& p) const {
  return output(s) > 0 ? p.force : -p.force;
}

BalanceRun balance(const PoleController& controller, const CartPoleState& start, int64_t max_steps,
                   int64_t trace_steps, const CartPoleParams& p) {
  BalanceRun run;
  CartPoleState s = start;
  if (trace_steps > 0) run.trace.push_back(s);
  double sum_abs_x = 0;
  while (run.steps < max_steps) {
    s = cart_pole_step(s, controller.force(s, p), p);
    ++run.steps;
    sum_abs_x += std::abs(s.x);
    if (run.steps <= trace_steps) run.trace.push_back(s);
    if (cart_pole_failed(s, p)) {
      run.failed = true;
      break;
    }
  }
  run.mean_abs_x = run.steps > 0 ? sum_abs_x / static_cast<double>(run.steps) : 0.0;
  return run;
}

std::vector<CartPoleState> random_starts(int count, double x_range, double v_range,
                                         double theta_range, double w_range, uint64_t seed) {
  Normal rng(seed);
  std::vector<CartPoleState> starts(static_cast<std::size_t>(std::max(count, 0)));
  for (CartPoleState& s : starts) {
    s.x = x_range * (2 * rng.uniform() - 1);
    s.x_dot = v_range * (2 * rng.uniform() - 1);
    s.theta = theta_range * (2 * rng.uniform() - 1);
    s.theta_dot = w_range * (2 * rng.uniform() - 1);
  }
  return starts;
}

std::vector<CartPoleState> corner_starts(double x_range, double v_range, double theta_range,
                                         double w_range) {
  std::vector<CartPoleState> starts;
  for (int k = 0; k < 16; ++k) {
    auto sign = [k](int bit) { return (k >> bit & 1) ? 1.0 : -1.0; };
    starts.push_back(
        {sign(3) * x_range, sign(2) * v_range, sign(1) * theta_range, sign(0) * w_range});
  }
  return starts;
}

std::vector<CartPoleState> grid_starts(double x_range, double v_range, double theta_range,
                                       double w_range) {
  std::vector<CartPoleState> starts;
  const double level[3] = {-1, 0, 1};
  for (double a : level)
    for (double b : level)
      for (double c : level)
        for (double d : level)
          starts.push_back({a * x_range, b * v_range, c * theta_range, d * w_range});
  return starts;
}

double controller_fitness(const PoleController& controller,
                          const std::vector<CartPoleState>& starts, int64_t episode_steps,
                          const CartPoleParams& p) {
  double total = 0;
  for (const CartPoleState& start : starts) {
    BalanceRun run = balance(controller, start, episode_steps, 0, p);
    total += static_cast<double>(run.steps) / static_cast<double>(episode_steps) -
             0.1 * run.mean_abs_x / p.x_limit;
  }
  return total / static_cast<double>(starts.size());
}

CemFit train_cem(PoleController& controller, const std::vector<CartPoleState>& starts,
                 const CemOptions& options, const CartPoleParams& p) {
  if (options.elite < 1 || options.elite > options.population) {
    throw ValueError(str("train_cem: elite must be in [1, population = ", options.population,
                         "], got ", options.elite, "."));
  }
  if (starts.empty()) throw ValueError("train_cem: expected at least one start, got none.");
  const std::size_t n = controller.parameter_count();
  std::vector<double> mean(n, 0.0), stddev(n, options.initial_std);
  Normal rng(options.seed);
  CemFit fit;
  std::vector<std::vector<double>> samples(static_cast<std::size_t>(options.population));
  std::vector<double> fitness(samples.size());
  std::vector<std::size_t> order(samples.size());
  PoleController candidate(controller.hidden());
  for (int g = 0; g < options.generations; ++g) {
    for (std::size_t k = 0; k < samples.size(); ++k) {
      samples[k].resize(n);
      for (std::size_t i = 0; i < n; ++i) samples[k][i] = mean[i] + stddev[i] * rng();
      candidate.set_parameters(samples[k]);
      fitness[k] = controller_fitness(candidate, starts, options.episode_steps, p);
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return fitness[a] > fitness[b]; });
    const auto elite = static_cast<std::size_t>(options.elite);
    for (std::size_t i = 0; i < n; ++i) {
      double m = 0, v = 0;
      for (std::size_t e = 0; e < elite; ++e) m += samples[order[e]][i];
      m /= static_cast<double>(elite);
      for (std::size_t e = 0; e < elite; ++e) {
        v += (samples[order[e]][i] - m) * (samples[order[e]][i] - m);
      }
      mean[i] = m;
      stddev[i] = std::sqrt(v / static_cast<double>(elite)) + options.noise_floor;
    }
    candidate.set_parameters(mean);
    fit.best_fitness.push_back(fitness[order[0]]);
    fit.mean_fitness.push_back(controller_fitness(candidate, starts, options.episode_steps, p));
    fit.generations = g + 1;
    bool all_balanced = true;
    for (const CartPoleState& start : starts) {
      if (balance(candidate, start, options.episode_steps, 0, p).failed) {
        all_balanced = false;
        break;
      }
    }
    if (all_balanced) {
      fit.solved = true;
      break;
    }
  }
  controller.set_parameters(mean);
  return fit;
}

}  // namespace mz::apps
