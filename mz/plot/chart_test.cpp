// Tests for the line chart, the confusion matrix and the atomic writer: well-formed SVG, axis
// ranges, legend names, skipped points, and error messages by text.
#include "mz/plot/chart.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "mz/core/error.h"
#include "mz/plot/detail/plot_testing.h"
#include "testing.h"

namespace mz::plot {
namespace {

using mz::plot::testing::attribute;
using mz::plot::testing::count;
using mz::plot::testing::well_formed;

TEST(LineChart, IsWellFormedWithAxesAndLegend) {
  std::vector<Series> s = {{"loss", {1, 2, 3, 4}, {0.9, 0.5, 0.3, 0.25}},
                           {"val_loss <held out>", {1, 2, 3, 4}, {1.0, 0.7, 0.45, 0.4}}};
  const std::string svg =
      line_chart_svg(s, {.title = "training & validation", .x_label = "epoch", .y_label = "loss"});
  EXPECT_TRUE(well_formed(svg)) << svg;
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(svg, "<polyline"), 2);
  EXPECT_NE(svg.find(">loss</text>"), std::string::npos);
  EXPECT_NE(svg.find(">val_loss &lt;held out&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find("training &amp; validation"), std::string::npos);
  EXPECT_NE(svg.find(">epoch</text>"), std::string::npos);
  EXPECT_EQ(attribute(svg, "data-x-min"), "1");
  EXPECT_EQ(attribute(svg, "data-x-max"), "4");
  EXPECT_EQ(attribute(svg, "data-y-min"), "0.2");
  EXPECT_EQ(attribute(svg, "data-y-max"), "1");
}

TEST(LineChart, AxisRangesCoverTheDataWithRoundTicks) {
  const std::string svg = line_chart_svg({{"a", {0, 100}, {-3, 47}}}, {});
  EXPECT_EQ(attribute(svg, "data-x-min"), "0");
  EXPECT_EQ(attribute(svg, "data-x-max"), "100");
  EXPECT_EQ(attribute(svg, "data-y-min"), "-10");
  EXPECT_EQ(attribute(svg, "data-y-max"), "50");
  EXPECT_NE(svg.find(">20</text>"), std::string::npos);
  // A constant series still gets a non-empty range.
  const std::string flat = line_chart_svg({{"c", {0, 1, 2}, {5, 5, 5}}}, {});
  EXPECT_TRUE(well_formed(flat));
  EXPECT_EQ(attribute(flat, "data-y-min"), "4.4");
  EXPECT_EQ(attribute(flat, "data-y-max"), "5.6");
}

TEST(LineChart, LogAxisUsesDecades) {
  const std::string svg =
      line_chart_svg({{"err", {1, 2, 3}, {0.5, 0.02, 0.003}}}, {.title = "t", .log_y = true});
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(attribute(svg, "data-y-min"), "1e-3");
  EXPECT_EQ(attribute(svg, "data-y-max"), "1e0");
}

TEST(LineChart, SkipsNaNAndInfinityAndBreaksTheLine) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::string svg =
      line_chart_svg({{"a", {0, 1, 2, 3, 4, 5}, {1, 2, nan, 3, 4, inf}}}, {.title = "gaps"});
  EXPECT_TRUE(well_formed(svg));
  EXPECT_EQ(count(svg, "<polyline"), 2);
  EXPECT_EQ(attribute(svg, "data-y-max"), "4");
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
  // One usable point is drawn as a dot.
  const std::string dot = line_chart_svg({{"b", {0, 1}, {nan, 2}}}, {});
  EXPECT_EQ(count(dot, "<polyline"), 0);
  EXPECT_EQ(count(dot, "<circle"), 1);
}

TEST(LineChart, BadInputIsReported) {
  MZ_EXPECT_THROW_MSG(line_chart_svg({}, {}), ValueError,
                      "line_chart_svg: no series: expected at least one, got 0.");
  MZ_EXPECT_THROW_MSG(line_chart_svg({{"acc", {1, 2, 3}, {0.5, 0.6}}}, {}), ValueError,
                      "line_chart_svg: series 'acc': x and y lengths differ: expected equal, got "
                      "3 and 2.");
  MZ_EXPECT_THROW_MSG(
      line_chart_svg({{"a", {1}, {1}}}, {.width = 100}), ValueError,
      "line_chart_svg: size too small: expected at least 160 x 120, got 100 x 440.");
}

TEST(ConfusionMatrix, DrawsEveryCellWithLabels) {
  const std::string svg = confusion_matrix_svg({{5, 1, 0}, {2, 7, 1}, {0, 0, 9}},
                                               {"cat", "dog", "T-shirt/top"}, "pets");
  EXPECT_TRUE(well_formed(svg)) << svg;
  EXPECT_EQ(count(svg, "<rect"), 1 + 9);
  EXPECT_EQ(attribute(svg, "data-total"), "25");
  EXPECT_EQ(attribute(svg, "data-correct"), "21");
  EXPECT_NE(svg.find(">7</text>"), std::string::npos);
  EXPECT_EQ(count(svg, ">T-shirt/top</text>"), 2);
  EXPECT_NE(svg.find("accuracy 0.84"), std::string::npos);
}

TEST(ConfusionMatrix, BadInputIsReported) {
  MZ_EXPECT_THROW_MSG(confusion_matrix_svg({}, {}, "x"), ValueError,
                      "confusion_matrix_svg: counts is empty: expected (k, k), got (0, 0).");
  MZ_EXPECT_THROW_MSG(confusion_matrix_svg({{1, 2}, {3}}, {"a", "b"}, "x"), ValueError,
                      "confusion_matrix_svg: counts must be square: expected row 1 to have 2 "
                      "entries, got 1.");
  MZ_EXPECT_THROW_MSG(confusion_matrix_svg({{1, -2}, {3, 4}}, {"a", "b"}, "x"), ValueError,
                      "confusion_matrix_svg: counts[0][1] is negative: expected >= 0, got -2.");
  MZ_EXPECT_THROW_MSG(confusion_matrix_svg({{1, 2}, {3, 4}}, {"a"}, "x"), ValueError,
                      "confusion_matrix_svg: labels must name every class: expected 2, got 1.");
}

TEST(WriteTextFile, WritesAtomicallyAndReportsTheDirectory) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "mz_plot_chart_test";
  fs::create_directories(dir);
  const std::string path = (dir / "a.svg").string();
  write_text_file(path, "first");
  write_text_file(path, "<svg/>\n");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "<svg/>\n");
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);  // no temporary file left behind
  fs::remove_all(dir);
  MZ_EXPECT_THROW_MSG(write_text_file("/nonexistent_mz_dir/x.svg", "x"), IoError,
                      "write_text_file \"/nonexistent_mz_dir/x.svg\": cannot open");
}

TEST(PlotTesting, WellFormedRejectsBrokenXml) {
  EXPECT_TRUE(well_formed("<svg><g><rect/></g><text>a &amp; b</text></svg>"));
  EXPECT_FALSE(well_formed("<svg><g></svg>"));
  EXPECT_FALSE(well_formed("<svg><text>a & b</text></svg>"));
  EXPECT_FALSE(well_formed("<svg><rect x=\"1></svg>"));
  EXPECT_FALSE(well_formed("<svg></svg><svg></svg>"));
}

}  // namespace
}  // namespace mz::plot
