// The Barto-Sutton-Anderson cart-pole plant (specs/classic.md §14), a small neural bang-bang
// controller for it, and the cross-entropy method that trains the controller's weights.
// Start with cart_pole_step; the demo itself is in cart_pole.cpp.
#pragma once

#include <cstdint>
#include <vector>

namespace mz::apps {

// The plant's state: cart position x (m) and velocity, pole angle theta from vertical (rad)
// and angular velocity.
struct CartPoleState {
  double x = 0;
  double x_dot = 0;
  double theta = 0;
  double theta_dot = 0;
};

// The 1983 paper's constants (appendix, as in Sutton & Anderson's pole.c): g, cart and pole
// masses, half pole length, cart and pole friction, the bang-bang force, the Euler step and
// the failure limits (|x| > 2.4 m or |theta| > 12 degrees).
struct CartPoleParams {
  double gravity = 9.8;
  double cart_mass = 1.0;
  double pole_mass = 0.1;
  double half_length = 0.5;
  double cart_friction = 0.0005;
  double pole_friction = 0.000002;
  double force = 10.0;
  double tau = 0.02;
  double x_limit = 2.4;
  double theta_limit = 0.20943951023931953;  // 12 degrees
};

// One Euler step under horizontal force `force` (N): the 1983 appendix equations with its
// friction signs (sgn(0) = 0), every variable advanced with the derivatives of the old state
// (pole.c's order).
CartPoleState cart_pole_step(const CartPoleState& s, double force, const CartPoleParams& p = {});
// True when |x| > x_limit or |theta| > theta_limit.
bool cart_pole_failed(const CartPoleState& s, const CartPoleParams& p = {});

// A 4-H-1 network: inputs (x / 2.4, x_dot / 2, theta / 12 degrees, theta_dot / 2), H tanh
// units, one linear output whose sign picks the force (+F when > 0, else -F). hidden = 0 is a
// single threshold unit (a perceptron). Parameters, flat: W1 (H, 4) row-major, b1 (H), w2 (H),
// b2; or w (4), b for the perceptron.
class PoleController {
 public:
  // Zero weights. Throws ValueError for hidden < 0.
  explicit PoleController(int hidden = 4);
  int hidden() const { return hidden_; }
  // 6 H + 1 (hidden > 0) or 5.
  std::size_t parameter_count() const { return params_.size(); }
  const std::vector<double>& parameters() const { return params_; }
  // Throws ValueError when the count is not parameter_count().
  void set_parameters(const std::vector<double>& params);
  // The output unit's net input for state s.
  double output(const CartPoleState& s) const;
  // +p.force when output(s) > 0, else -p.force.
  double force(const CartPoleState& s, const CartPoleParams& p = {}) const;

 private:
  int hidden_;
  std::vector<double> params_;
};

// A balancing run: steps completed before failure (max_steps when it never failed), whether it
// failed, the mean |x| over the run, and the first trace_steps + 1 states (start included).
struct BalanceRun {
  int64_t steps = 0;
  bool failed = false;
  double mean_abs_x = 0;
  std::vector<CartPoleState> trace;
};

// Runs `controller` from `start` for at most max_steps steps, stopping at the first failure.
BalanceRun balance(const PoleController& controller, const CartPoleState& start, int64_t max_steps,
                   int64_t trace_steps = 0, const CartPoleParams& p = {});

// `count` starts drawn uniformly from x in ±x_range, x_dot in ±v_range, theta in ±theta_range,
// theta_dot in ±w_range, deterministically from seed.
std::vector<CartPoleState> random_starts(int count, double x_range, double v_range,
                                         double theta_range, double w_range, uint64_t seed);
// The 16 corners of the box: every combination of {-r, r} for each of the four ranges.
std::vector<CartPoleState> corner_starts(double x_range, double v_range, double theta_range,
                                         double w_range);
// Every combination of {-r, 0, r} for each of the four ranges: 81 starts.
std::vector<CartPoleState> grid_starts(double x_range, double v_range, double theta_range,
                                       double w_range);

// The cross-entropy method (Rubinstein; Szita & Lorincz 2006 for control): a diagonal Gaussian
// over the weights; each generation samples `population` weight vectors, keeps the `elite` best
// by fitness and refits mean and deviation to them (plus noise_floor, against early collapse).
// Fitness of a weight vector: the mean over the training starts of steps / episode_steps - 0.1
// mean |x| / x_limit (survive first, then keep the cart near the centre); at most 1.
struct CemOptions {
  int population = 40;
  int elite = 8;
  int generations = 50;
  int64_t episode_steps = 2000;
  double initial_std = 1.0;
  double noise_floor = 0.05;
  uint64_t seed = 42;
};

// What train_cem returns: per generation the best sample's fitness and the fitness of the
// mean weights, the generations run, and whether the mean weights balanced every training
// start for episode_steps (training stops at the first generation where they do).
struct CemFit {
  std::vector<double> best_fitness;
  std::vector<double> mean_fitness;
  int generations = 0;
  bool solved = false;
};

// The fitness of `controller` over `starts` (see CemOptions).
double controller_fitness(const PoleController& controller,
                          const std::vector<CartPoleState>& starts, int64_t episode_steps,
                          const CartPoleParams& p = {});
// Trains controller's weights by the cross-entropy method on `starts`; leaves the final mean
// weights in controller. Throws ValueError when elite is not in [1, population] or starts is
// empty.
CemFit train_cem(PoleController& controller, const std::vector<CartPoleState>& starts,
                 const CemOptions& options = {}, const CartPoleParams& p = {});

}  // namespace mz::apps
