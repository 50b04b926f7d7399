// Tests for HammingNet: neurolab's newhem example trajectory bit for bit (classic.md §7).
#include "mz/classic/hamming.h"

#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::classic {
namespace {

const std::vector<double> kTargets = {-1, 1,  -1, -1, 1,  -1, -1, 1,  -1, 1,  1,  1,  1,  -1, 1,
                                      1,  -1, 1,  1,  -1, 1,  1,  1,  1,  1,  -1, 1,  1,  1,  1,
                                      1,  -1, -1, 1,  -1, -1, -1, -1, -1, -1, 1,  -1, -1, -1, -1};
const std::vector<double> kInputs = {-1, -1, 1,  1,  1, 1,  1,  -1, 1,  -1, -1, 1,  -1, 1,
                                     -1, -1, -1, -1, -1, -1, -1, -1, 1, -1, -1, 1,  -1};

HammingNet neurolab_net() {
  return HammingNet(mz::tensor(kTargets, Shape{5, 9}), {.scale = 0.1, .max_score = 10, .max_iterations = 10});
}

TEST(HammingNet, NeurolabExampleTrajectoryAndOutputs) {
  HammingNet net = neurolab_net();
  HammingRecall own = net.recall(mz::tensor(kTargets, Shape{5, 9}));
  EXPECT_EQ(own.winners, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  HammingRecall r = net.recall(mz::tensor(kInputs, Shape{3, 9}));
  // Input 0: Hamming distances (7, 3, 1, 5, 5).
  EXPECT_TRUE(mz::testing::all_close(net.scores(mz::tensor(kInputs, Shape{3, 9}).slice(0, 0, 1)),
                                     mz::tensor(std::vector<double>{0.2, 0.6, 0.8, 0.4, 0.4}, Shape{1, 5}), 1e-15));
  const std::vector<std::vector<double>> expected = {
      {0, 0.24, 0.48, 0, 0}, {0, 0.144, 0.432, 0, 0}, {0, 0.0576, 0.4032, 0, 0}, {0, 0, 0.39168, 0, 0}};
  ASSERT_EQ(r.trajectory[0].size(), expected.size());
  for (std::size_t t = 0; t < expected.size(); ++t)
    for (int j = 0; j < 5; ++j) EXPECT_NEAR(r.trajectory[0][t][j], expected[t][j], 1e-12) << t << "," << j;
  std::vector<double> out = r.outputs.to_vector<double>();
  const std::vector<double> final_out = {0, 0, 0.39168, 0, 0, 0, 0, 0, 0, 0.39168, 0.07516193, 0, 0, 0, 0.07516193};
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], final_out[i], 1e-8) << i;
  EXPECT_EQ(r.winners, (std::vector<int64_t>{2, 4, -1}));  // input 2 ties exemplars 0 and 4
  EXPECT_EQ(r.iterations[2], 10);
}

TEST(HammingNet, LippmannEpsilonBelowOneOverMPicksTheNearest) {
  HammingNet net(mz::tensor(kTargets, Shape{5, 9}), {.epsilon = 0.15});
  HammingRecall r = net.recall(mz::tensor(kInputs, Shape{3, 9}).slice(0, 0, 2));
  EXPECT_EQ(r.winners, (std::vector<int64_t>{2, 4}));
  // Scores are N - HD without scaling.
  EXPECT_EQ(net.scores(mz::tensor(kTargets, Shape{5, 9}).slice(0, 0, 1)).to_vector<double>()[0], 9.0);
}

TEST(HammingNet, BadInputIsReported) {
  MZ_EXPECT_THROW_MSG(HammingNet(mz::tensor(std::vector<double>{1, 0, 1, 1}, Shape{2, 2})), ValueError,
                      "HammingNet: exemplars must be bipolar: expected -1 or +1, got 0 at row 0, column 1.");
  MZ_EXPECT_THROW_MSG(HammingNet(mz::tensor(kTargets, Shape{5, 9}), {.epsilon = 0.3}), ValueError,
                      "HammingNet: epsilon must be in (0, 1/M] = (0, 0.2] for M = 5 exemplars, got 0.3.");
  HammingNet net = neurolab_net();
  MZ_EXPECT_THROW_MSG(net.recall(mz::ones({1, 8}, {.dtype = DType::f64})), ShapeError,
                      "HammingNet.recall: inputs has 8 components, but the exemplars have 9: expected (n, 9), got (1, 8).");
}

}  // namespace
}  // namespace mz::classic
