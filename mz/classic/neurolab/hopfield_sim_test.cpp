// Batched Hopfield recall (hopfield_sim.h) against stepping probe by probe.
#include <gtest/gtest.h>

#include <random>

#include "mz/classic/neurolab/constructors.h"

namespace mz::classic::nl {
namespace {

// Patterns (p, n) of ±1 and probes: each a pattern with a fraction `flip` of its bits flipped.
void make_case(std::size_t p, std::size_t n, std::size_t probes, double flip, Matrix& patterns,
               Matrix& probe) {
  std::mt19937_64 rng(7);
  std::bernoulli_distribution bit(0.5), flipped(flip);
  patterns = Matrix(p, n);
  for (std::size_t i = 0; i < p * n; ++i) patterns.data()[i] = bit(rng) ? 1 : -1;
  probe = Matrix(probes, n);
  for (std::size_t q = 0; q < probes; ++q)
    for (std::size_t j = 0; j < n; ++j) {
      double v = patterns(q % p, j);
      probe(q, j) = flipped(rng) ? -v : v;
    }
}

// The per-probe result: Net::step row by row, and the state it leaves.
Matrix step_each(Net& net, const Matrix& input) {
  Matrix out(input.rows(), static_cast<std::size_t>(net.co));
  for (std::size_t r = 0; r < input.rows(); ++r) {
    const std::vector<double>& o = net.step(input.row(r));
    std::copy(o.begin(), o.end(), out.row(r));
  }
  return out;
}

TEST(HopfieldSim, BatchedRecallEqualsSteppingEachProbe) {
  Matrix patterns, probe;
  // Heavy load (12 patterns in 40 cells) so that many probes need several passes, some max_iter.
  make_case(12, 40, 300, 0.3, patterns, probe);
  for (int max_init : {1, 2, 10}) {
    Net batched = newhop(patterns, std::nullopt, max_init);
    Net stepped = batched.copy();
    Matrix a = batched.sim(probe);
    Matrix b = step_each(stepped, probe);
    ASSERT_EQ(a.rows(), b.rows());
    for (std::size_t i = 0; i < a.rows() * a.cols(); ++i)
      ASSERT_EQ(a.data()[i], b.data()[i]) << "element " << i << ", max_init " << max_init;
    EXPECT_EQ(batched.layers[0].iterations, stepped.layers[0].iterations);
    EXPECT_EQ(batched.layers[0].s, stepped.layers[0].s);
    EXPECT_EQ(batched.layers[0].out, stepped.layers[0].out);
    EXPECT_EQ(batched.inp, stepped.inp);
    EXPECT_EQ(batched.out, stepped.out);
  }
}

TEST(HopfieldSim, ProbesLandingOnAStoredPatternSkipTheSecondPass) {
  Matrix patterns, probe;
  // Light load: the stored patterns are fixed points and most probes land on one at once.
  make_case(3, 64, 200, 0.1, patterns, probe);
  for (double delta : {0.0, 2.0}) {
    Net batched = newhop(patterns, std::nullopt, 10, delta);
    Net stepped = batched.copy();
    Matrix a = batched.sim(probe), b = step_each(stepped, probe);
    for (std::size_t i = 0; i < a.rows() * a.cols(); ++i)
      ASSERT_EQ(a.data()[i], b.data()[i]) << "element " << i << ", delta " << delta;
    EXPECT_EQ(batched.layers[0].iterations, stepped.layers[0].iterations);
    EXPECT_EQ(batched.layers[0].s, stepped.layers[0].s);
    EXPECT_EQ(batched.out, stepped.out);
  }
  // The last probe is a stored pattern itself: one pass, then a pass that changes nothing.
  Matrix exact = probe;
  std::copy(patterns.row(0), patterns.row(0) + 64, exact.row(exact.rows() - 1));
  Net batched = newhop(patterns), stepped = batched.copy();
  batched.sim(exact);
  step_each(stepped, exact);
  EXPECT_EQ(batched.layers[0].iterations, 1);
  EXPECT_EQ(batched.layers[0].iterations, stepped.layers[0].iterations);
  EXPECT_EQ(batched.layers[0].s, stepped.layers[0].s);
}

TEST(HopfieldSim, ChangedWeightsFallBackToTheFullMatrix) {
  Matrix patterns, probe;
  make_case(3, 16, 20, 0.2, patterns, probe);
  Net net = newhop(patterns);
  net.layers[0].w[1] += 0.5;  // no longer the patterns' matrix
  Net stepped = net.copy();
  Matrix a = net.sim(probe), b = step_each(stepped, probe);
  for (std::size_t i = 0; i < a.rows() * a.cols(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]);
}

TEST(HopfieldSim, DeltaStopsEarlier) {
  Matrix patterns, probe;
  make_case(6, 30, 50, 0.3, patterns, probe);
  Net batched = newhop(patterns, std::nullopt, 10, 4.0);
  Net stepped = batched.copy();
  Matrix a = batched.sim(probe), b = step_each(stepped, probe);
  for (std::size_t i = 0; i < a.rows() * a.cols(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]);
  EXPECT_EQ(batched.layers[0].iterations, stepped.layers[0].iterations);
}

}  // namespace
}  // namespace mz::classic::nl
