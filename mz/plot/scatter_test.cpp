// Tests for scatter plots and decision regions: well-formed SVG, one dot per point, merged
// region runs, exact grid axes, and error messages by text.
#include "mz/plot/scatter.h"

#include "mz/core/error.h"
#include "mz/plot/detail/plot_testing.h"
#include "testing.h"

namespace mz::plot {
namespace {

using mz::plot::testing::count;
using mz::plot::testing::well_formed;

TEST(Scatter, DrawsEveryPointAndTheLegend) {
  LabelledPoints p{{0, 1, 2, 3}, {1, 0, 3, 2}, {0, 0, 1, 2}};
  LabelledPoints m{{1.5}, {1.5}, {1}};
  const std::string svg =
      scatter_svg(p, {"setosa", "versicolor", "virginica"}, {.title = "iris"}, m);
  EXPECT_TRUE(well_formed(svg)) << svg;
  EXPECT_EQ(count(svg, "<circle"), 4);
  EXPECT_EQ(count(svg, "<polygon"), 1);
  EXPECT_NE(svg.find(">virginica</text>"), std::string::npos);
}

TEST(DecisionRegions, PaintsRunsOfEqualClass) {
  RegionGrid g{0, 4, 0, 2, {{0, 0, 1, 1}, {2, 2, 2, 2}}};
  LabelledPoints p{{0.5, 3.5}, {0.5, 1.5}, {0, 2}};
  const std::string svg = decision_regions_svg(g, p, {"a", "b", "c"}, {.title = "regions"});
  EXPECT_TRUE(well_formed(svg)) << svg;
  EXPECT_EQ(count(svg, "data-rows=\"2\""), 1);
  // The background, 3 runs, the frame and the legend box.
  EXPECT_EQ(count(svg, "<rect"), 1 + 3 + 1 + 1);
  EXPECT_EQ(count(svg, "<circle"), 2);
  EXPECT_NE(svg.find(">4</text>"), std::string::npos);  // the x axis ends at the grid's edge
}

TEST(Scatter, BadInputIsReported) {
  MZ_EXPECT_THROW_MSG(scatter_svg({{0, 1}, {0}, {0, 0}}, {"a"}, {}), ValueError,
                      "scatter_svg: points x, y and label lengths differ: expected equal, got 2, "
                      "1 and 2.");
  MZ_EXPECT_THROW_MSG(scatter_svg({{0}, {0}, {3}}, {"a", "b"}, {}), ValueError,
                      "scatter_svg: points label[0] is out of range: expected 0 to 1, got 3.");
  MZ_EXPECT_THROW_MSG(scatter_svg({{0}, {0}, {0}}, {"a"}, {.log_y = true}), ValueError,
                      "scatter_svg: log_y is not supported: expected false, got true.");
  MZ_EXPECT_THROW_MSG(decision_regions_svg({0, 1, 0, 1, {}}, {}, {"a"}, {}), ValueError,
                      "decision_regions_svg: the grid is empty");
  MZ_EXPECT_THROW_MSG(
      decision_regions_svg({0, 1, 0, 1, {{0, 0}, {0}}}, {}, {"a"}, {}), ValueError,
      "decision_regions_svg: the grid is ragged: expected 2 cells in row 1, got 1.");
  MZ_EXPECT_THROW_MSG(decision_regions_svg({0, 1, 0, 1, {{0, 5}}}, {}, {"a"}, {}), ValueError,
                      "decision_regions_svg: grid class out of range: expected 0 to 0, got 5.");
  MZ_EXPECT_THROW_MSG(decision_regions_svg({1, 1, 0, 1, {{0}}}, {}, {"a"}, {}), ValueError,
                      "decision_regions_svg: empty range: expected x_lo < x_hi and y_lo < y_hi, "
                      "got [1, 1] x [0, 1].");
}

}  // namespace
}  // namespace mz::plot
