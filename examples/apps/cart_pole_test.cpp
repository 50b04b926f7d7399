// The cart-pole plant against hand-computed steps and the reference LQR bang-bang controller
// of specs/classic.md §14, the controller's checks, and the control demo's quick run and bar.
#include <cmath>
#include <filesystem>
#include <sstream>

#include "examples/apps/cart_pole_plant.h"
#include "examples/apps/demos.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::apps {
namespace {

TEST(CartPole, EulerStepMatchesTheEquations) {
  // From x = 0.5, v = 1, theta = 0.1, omega = -0.3 under +10 N (values from the formulas of
  // §14 evaluated in Python): accelerations 9.67776 m/s^2 and -12.97655 rad/s^2.
  CartPoleState s = cart_pole_step({0.5, 1.0, 0.1, -0.3}, 10.0);
  EXPECT_NEAR(s.x, 0.52, 1e-12);  // old velocity
  EXPECT_NEAR(s.x_dot, 1.1935551847519552, 1e-12);
  EXPECT_NEAR(s.theta, 0.094, 1e-12);  // old angular velocity
  EXPECT_NEAR(s.theta_dot, -0.5595309380648625, 1e-12);
}

TEST(CartPole, FailsOutsideTheLimits) {
  EXPECT_FALSE(cart_pole_failed({2.39, 0, 0.2, 0}));
  EXPECT_TRUE(cart_pole_failed({2.41, 0, 0, 0}));
  EXPECT_TRUE(cart_pole_failed({0, 0, -0.21, 0}));
  // Constant push topples the pole within a second.
  CartPoleState s;
  int steps = 0;
  while (!cart_pole_failed(s) && steps < 1000) s = cart_pole_step(s, 10.0), ++steps;
  EXPECT_LT(steps, 50);
}

TEST(CartPole, ReferenceLqrBangBangBalances) {
  // F = 10 sgn(-K s), K = (-3.162, -5.915, -49.507, -12.844) (§14 [R]): a threshold unit with
  // the gains times the input scales (2.4, 2, 12 degrees, 2) balances 100,000 steps from rest.
  PoleController lqr(0);
  lqr.set_parameters({3.162 * 2.4, 5.915 * 2, 49.507 * 0.20943951023931953, 12.844 * 2, 0});
  BalanceRun run = balance(lqr, {}, 100000, 10);
  EXPECT_FALSE(run.failed);
  EXPECT_EQ(run.steps, 100000);
  EXPECT_EQ(run.trace.size(), 11u);
  EXPECT_LT(run.mean_abs_x, 0.5);
}

TEST(PoleController, ChecksItsArguments) {
  EXPECT_EQ(PoleController(4).parameter_count(), 25u);
  EXPECT_EQ(PoleController(0).parameter_count(), 5u);
  MZ_EXPECT_THROW_MSG(PoleController(-1), ValueError,
                      "PoleController: hidden units must be >= 0, got -1.");
  PoleController c(2);
  MZ_EXPECT_THROW_MSG(c.set_parameters({1, 2}), ValueError,
                      "PoleController: expected 13 parameters, got 2.");
  MZ_EXPECT_THROW_MSG(train_cem(c, {CartPoleState{}}, {.population = 4, .elite = 5}), ValueError,
                      "train_cem: elite must be in [1, population = 4], got 5.");
  MZ_EXPECT_THROW_MSG(train_cem(c, {}), ValueError,
                      "train_cem: expected at least one start, got none.");
}

TEST(PoleController, StartsAreDeterministic) {
  std::vector<CartPoleState> a = random_starts(5, 1, 0.5, 0.1, 0.5, 7);
  std::vector<CartPoleState> b = random_starts(5, 1, 0.5, 0.1, 0.5, 7);
  ASSERT_EQ(a.size(), 5u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].theta, b[i].theta);
    EXPECT_LE(std::abs(a[i].x), 1.0);
    EXPECT_LE(std::abs(a[i].theta), 0.1);
  }
  EXPECT_EQ(grid_starts(1, 0.5, 0.1, 0.5).size(), 81u);
  std::vector<CartPoleState> corners = corner_starts(1, 0.5, 0.1, 0.5);
  ASSERT_EQ(corners.size(), 16u);
  EXPECT_EQ(corners.front().x, -1.0);
  EXPECT_EQ(corners.front().theta_dot, -0.5);
  EXPECT_EQ(corners.back().theta, 0.1);
  EXPECT_EQ(corners[1].theta_dot, 0.5);
}

TEST(CartPoleDemo, QuickRunMeetsItsBar) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "mz_apps_test_cart_pole";
  std::filesystem::remove_all(dir);
  std::ostringstream log;
  DemoResult r = run_demo("cart_pole", {.out_dir = dir.string(), .quick = true}, log);
  EXPECT_TRUE(r.passed) << log.str();
  EXPECT_EQ(r.value, 1.0) << log.str();  // every one of the 81 starts balanced
  ASSERT_EQ(r.files.size(), 3u);
  for (const std::string& f : r.files) EXPECT_TRUE(std::filesystem::exists(f)) << f;
  EXPECT_NE(log.str().find("balanced 81/81 starts"), std::string::npos) << log.str();
}

}  // namespace
}  // namespace mz::apps
