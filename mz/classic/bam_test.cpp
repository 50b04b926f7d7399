// Tests for BidirectionalAssociativeMemory: Kosko's 3-pair example (classic.md §10), exact.
#include "mz/classic/bam.h"

#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::classic {
namespace {

const std::vector<double> kA = {1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1};
const std::vector<double> kB = {1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0};

std::vector<double> bipolar(std::vector<double> v) {
  for (double& x : v) x = 2 * x - 1;
  return v;
}

TEST(BidirectionalAssociativeMemory, KoskoExampleMatrixRecallAndEnergy) {
  BAM bam(6, 5);
  bam.store(mz::tensor(kA, Shape{3, 6}), mz::tensor(kB, Shape{3, 5}), "binary");
  std::vector<double> m = {1, 1, -3, -1, 1, 1, -3, 1, -1, 1, -1, -1, 3, 1, -1,
                           -1, -1, -1, 1, 3, -3, 1, 1, 3, 1, -1, 3, -1, 1, -1};
  EXPECT_EQ(bam.weights().to_vector<double>(), m);
  Tensor a = mz::tensor(bipolar(kA), Shape{3, 6}), b = mz::tensor(bipolar(kB), Shape{3, 5});
  BamRecall fwd = bam.recall_from_x(a);
  EXPECT_TRUE(mz::testing::all_equal(fwd.y, b));
  EXPECT_TRUE(mz::testing::all_equal(fwd.x, a));
  BamRecall back = bam.recall_from_y(b);
  EXPECT_TRUE(mz::testing::all_equal(back.x, a));
  for (int k = 0; k < 3; ++k) {
    EXPECT_TRUE(fwd.converged[k]);
    EXPECT_EQ(fwd.passes[k], 1);  // recalled in one pass, nothing changes after
  }
  EXPECT_EQ(bam.energy(a, b), (std::vector<double>{-28, -28, -30}));
  EXPECT_EQ(fwd.energy[2].back(), -30);
}

TEST(BidirectionalAssociativeMemory, NoisyInputFallsIntoTheNearestPair) {
  BAM bam(6, 5);
  bam.store(mz::tensor(kA, Shape{3, 6}), mz::tensor(kB, Shape{3, 5}), "binary");
  std::vector<double> noisy = bipolar({1, 0, 0, 0, 0, 1});
  noisy[1] = 1;  // one bit off A1
  BamRecall r = bam.recall_from_x(mz::tensor(noisy, Shape{1, 6}));
  EXPECT_TRUE(r.converged[0]);
  for (std::size_t t = 1; t < r.energy[0].size(); ++t) EXPECT_LE(r.energy[0][t], r.energy[0][t - 1]);
  EXPECT_EQ(r.y.to_vector<double>(), bipolar({1, 1, 0, 0, 0}));
}

TEST(BidirectionalAssociativeMemory, BadInputIsReported) {
  BAM bam(6, 5);
  MZ_EXPECT_THROW_MSG(bam.store(mz::tensor(kA, Shape{3, 6}), mz::tensor(kB, Shape{3, 5})), ValueError,
                      "BAM.store: x must be bipolar: expected -1 or +1, got 0 at pattern 0, unit 1.");
  MZ_EXPECT_THROW_MSG(bam.store(mz::tensor(kA, Shape{3, 6}), mz::tensor(kB, Shape{3, 5}), "ternary"), ValueError,
                      "BAM.store: coding must be \"bipolar\" or \"binary\", got \"ternary\".");
  MZ_EXPECT_THROW_MSG(bam.store(mz::tensor(kA, Shape{3, 6}), mz::tensor(kB, Shape{5, 3}), "binary"), ShapeError,
                      "BAM.store: y has 3 units per pattern, but the memory has 5");
  MZ_EXPECT_THROW_MSG(bam.store(mz::tensor(kA, Shape{3, 6}), mz::tensor(kB, Shape{3, 5}).slice(0, 0, 2), "binary"),
                      ShapeError, "BAM.store: x and y must hold the same number of pairs: expected 3, got 2.");
}

}  // namespace
}  // namespace mz::classic
