// Tests for CellularNetwork: the exact EDGE / grey-edge / corner outputs of classic.md §13.
#include "mz/classic/cellular.h"

#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::classic {
namespace {

// 16x16 white image with a black 8x8 square at rows/cols 4..11.
Tensor square_image() {
  std::vector<double> u(256, -1.0);
  for (int i = 4; i <= 11; ++i)
    for (int j = 4; j <= 11; ++j) u[i * 16 + j] = 1.0;
  return mz::tensor(u, Shape{16, 16});
}

std::vector<double> outline() {
  std::vector<double> y(256, -1.0);
  for (int i = 4; i <= 11; ++i)
    for (int j = 4; j <= 11; ++j)
      if (i == 4 || i == 11 || j == 4 || j == 11) y[i * 16 + j] = 1.0;
  return y;
}

TEST(CellularNetwork, EdgeTemplateGivesTheExactOutline) {
  CellularRun r = CellularNetwork(cellular_template("edge"), {.dt = 0.05, .t_end = 30}).run(square_image());
  EXPECT_TRUE(r.saturated);
  std::vector<double> y = r.output.to_vector<double>();
  EXPECT_EQ(y, outline());
  int black = 0;
  for (double v : y) black += v == 1.0;
  EXPECT_EQ(black, 28);
}

TEST(CellularNetwork, GreyEdgeTemplateGivesTheSameOutline) {
  CellularRun r = CellularNetwork(cellular_template("grey_edge")).run(square_image());
  EXPECT_TRUE(r.saturated);
  EXPECT_EQ(r.output.to_vector<double>(), outline());
}

TEST(CellularNetwork, CornerTemplateKeepsTheFourCorners) {
  CellularRun r = CellularNetwork(cellular_template("corner")).run(square_image());
  EXPECT_TRUE(r.saturated);
  std::vector<double> y = r.output.to_vector<double>(), expected(256, -1.0);
  for (int idx : {4 * 16 + 4, 4 * 16 + 11, 11 * 16 + 4, 11 * 16 + 11}) expected[idx] = 1.0;
  EXPECT_EQ(y, expected);
}

TEST(CellularNetwork, Rk4AgreesAndToleranceStopsEarly) {
  CellularRun r = CellularNetwork(cellular_template("edge"), {.dt = 0.1, .method = "rk4"}).run(square_image());
  EXPECT_EQ(r.output.to_vector<double>(), outline());
  // Black pixel with k white neighbours moves at speed 2k - 1 until it saturates (x grows past 1).
  CellularRun early = CellularNetwork(cellular_template("grey_edge"), {.tolerance = 1e-6}).run(square_image());
  EXPECT_LT(early.steps, 600);
  EXPECT_EQ(early.output.to_vector<double>(), outline());
  // A border black pixel counts as an edge with boundary 0 and not with boundary -1 (white).
  std::vector<double> u(16, 1.0);
  CellularRun zero = CellularNetwork(cellular_template("edge")).run(mz::tensor(u, Shape{4, 4}));
  EXPECT_EQ(zero.output.to_vector<double>()[0], 1.0);
  EXPECT_EQ(zero.output.to_vector<double>()[5], -1.0);  // interior, all 8 neighbours black
}

TEST(CellularNetwork, BadInputIsReported) {
  MZ_EXPECT_THROW_MSG(cellular_template("sharpen"), ValueError,
                      "cellular_template: unknown template: expected \"edge\", \"grey_edge\" or \"corner\", got \"sharpen\".");
  MZ_EXPECT_THROW_MSG(CellularNetwork({{1, 2, 3}, {1, 2, 3}, 0.0, 1}), ShapeError,
                      "CellularNetwork: templates A and B must have (2r+1)^2 = 9 entries for r = 1: expected 9, got 3 and 3.");
  CellularNetwork net(cellular_template("edge"));
  MZ_EXPECT_THROW_MSG(net.run(mz::zeros({2, 3, 4}, {.dtype = DType::f64})), ShapeError,
                      "CellularNetwork.run: input must be an image (M, N): expected rank 2, got (2, 3, 4).");
  MZ_EXPECT_THROW_MSG(net.run(square_image(), mz::zeros({4, 4}, {.dtype = DType::f64})), ShapeError,
                      "initial_state must match the input: expected (16, 16), got (4, 4).");
}

}  // namespace
}  // namespace mz::classic
