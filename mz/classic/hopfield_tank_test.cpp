// Tests for HopfieldTank: the 10-city instance (classic.md §9.4), the Wilson-Pawley valid-tour
// rate with the published parameters, energy and errors.
#include "mz/classic/hopfield_tank.h"

#include <algorithm>
#include <numeric>

#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::classic {
namespace {

Tensor ten_cities() {
  return mz::tensor(std::vector<double>{0.4000, 0.4439, 0.2439, 0.1463, 0.1707, 0.2293, 0.2293, 0.7610,
                                        0.5171, 0.9414, 0.8732, 0.6536, 0.6878, 0.5219, 0.8488, 0.3609,
                                        0.6683, 0.2536, 0.6195, 0.2634},
                    Shape{10, 2});
}

TEST(HopfieldTank, OptimalTourLengthIsTheReference) {
  HopfieldTank net(ten_cities());
  EXPECT_NEAR(net.tour_length({0, 2, 1, 9, 8, 7, 6, 5, 4, 3}), 2.6907, 1e-4);
  // Exhaustive search over tours starting at city 0.
  std::vector<int64_t> t(10);
  std::iota(t.begin(), t.end(), 0);
  double best = 1e9;
  do best = std::min(best, net.tour_length(t));
  while (std::next_permutation(t.begin() + 1, t.end()));
  EXPECT_NEAR(best, 2.6907, 1e-4);
}

// Published parameters, Euler dt 1e-5, 2 000 steps: 20/100 valid in the reference run (Wilson &
// Pawley's ~15/100, far below Hopfield & Tank's claimed 16/20); valid tours average 3.25.
TEST(HopfieldTank, ValidTourRateReproducesWilsonPawley) {
  HopfieldTank net(ten_cities());
  int valid = 0, runs = 40;
  double mean_length = 0;
  for (int s = 0; s < runs; ++s) {
    TspRun r = net.solve({.energy_every = 0, .seed = uint64_t(s)});
    if (r.valid) ++valid, mean_length += r.length;
  }
  const double rate = valid / double(runs);
  EXPECT_GE(rate, 0.05);
  EXPECT_LE(rate, 0.45);
  ASSERT_GT(valid, 0);
  mean_length /= valid;
  EXPECT_GT(mean_length, 2.69);
  EXPECT_LT(mean_length, 4.0);
}

TEST(HopfieldTank, EnergyIsRecordedAndFalls) {
  HopfieldTank net(ten_cities());
  TspRun r = net.solve({.steps = 1000, .energy_every = 100, .seed = 3});
  ASSERT_EQ(r.energy.size(), 11u);
  EXPECT_LT(r.energy.back(), r.energy.front());
  EXPECT_NEAR(r.energy.back(), net.energy(r.v), 1e-9 * std::abs(r.energy.back()) + 1e-9);
  // A permutation matrix of the optimum has only the C and D terms.
  std::vector<double> v(100, 0.0);
  std::vector<int64_t> tour = {0, 2, 1, 9, 8, 7, 6, 5, 4, 3};
  for (int i = 0; i < 10; ++i) v[tour[i] * 10 + i] = 1;
  const double e = net.energy(mz::tensor(v, Shape{10, 10}));
  EXPECT_NEAR(e, 200.0 / 2 * 25 + 500.0 / 2 * 2 * 2.6907, 0.1);
}

// Full-size figure for docs/classic.md (run with --gtest_also_run_disabled_tests).
TEST(HopfieldTank, DISABLED_FullFigures) {
  HopfieldTank net(ten_cities());
  for (int64_t steps : {2000, 20000}) {
    int valid = 0, saturated = 0;
    double sum = 0, best = 1e9;
    for (int s = 0; s < 100; ++s) {
      TspRun r = net.solve({.steps = steps, .energy_every = 0, .seed = uint64_t(s)});
      saturated += r.saturated;
      if (r.valid) ++valid, sum += r.length, best = std::min(best, r.length);
    }
    std::printf("Hopfield-Tank %lld steps, 100 seeds: %d valid, %d saturated, mean valid length %.4f, best %.4f\n",
                (long long)steps, valid, saturated, valid ? sum / valid : 0.0, best);
  }
}

TEST(HopfieldTank, BadInputIsReported) {
  MZ_EXPECT_THROW_MSG(HopfieldTank(mz::zeros({5, 3}, {.dtype = DType::f64})), ShapeError,
                      "HopfieldTank: cities must be (n, 2) coordinates with n >= 3: expected (n, 2), got (5, 3).");
  HopfieldTank net(ten_cities());
  MZ_EXPECT_THROW_MSG(net.tour_length({0, 1, 1, 2, 3, 4, 5, 6, 7, 8}), ValueError,
                      "HopfieldTank.tour_length: tour must be a permutation of 0..9");
  MZ_EXPECT_THROW_MSG(net.solve({.dt = 0}), ValueError, "HopfieldTank.solve: dt, steps, u0 and tau must be positive");
}

}  // namespace
}  // namespace mz::classic
