// Tests for the demos' plumbing: scikit-learn CSVs (and their errors by text), z-scores,
// stratified splits, confusion counts and --set parameters.
#include "examples/apps/demo_support.h"

#include <cmath>
#include <filesystem>
#include <fstream>

#include "mz/core/error.h"
#include "testing.h"

namespace mz::apps {
namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p.string();
}

TEST(ReadSklearnCsv, ReadsIrisAndReportsBadFiles) {
  const LabelledData iris = read_sklearn_csv(find_data_file({}, "iris.csv"));
  ASSERT_EQ(iris.x.size(), 150u);
  EXPECT_EQ(iris.x[0].size(), 4u);
  EXPECT_EQ(iris.classes, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(iris.y[0], 0);
  EXPECT_EQ(iris.y[149], 2);
  const std::string bad_cell = write_temp("mz_apps_bad_cell.csv", "2,2,a,b\n1,2,0\n1,x,1\n");
  MZ_EXPECT_THROW_MSG(read_sklearn_csv(bad_cell), FormatError,
                      "\": line 3: a cell is not a number: \"1,x,1\".");
  const std::string short_row = write_temp("mz_apps_short_row.csv", "1,2,a,b\n1,0\n");
  MZ_EXPECT_THROW_MSG(read_sklearn_csv(short_row), FormatError,
                      "\": line 2: expected 3 cells, got 2.");
  const std::string bad_head = write_temp("mz_apps_bad_head.csv", "n,2,a,b\n1,2,0\n");
  MZ_EXPECT_THROW_MSG(read_sklearn_csv(bad_head), FormatError,
                      "\": line 1: expected \"rows,features,class names...\", got \"n,2,a,b\".");
  const std::string bad_class = write_temp("mz_apps_bad_class.csv", "1,1,a,b\n1,2\n");
  MZ_EXPECT_THROW_MSG(read_sklearn_csv(bad_class), FormatError,
                      "\": line 2: class out of range: expected 0 to 1, got 2.");
  MZ_EXPECT_THROW_MSG(read_sklearn_csv("/nonexistent_mz/iris.csv"), IoError,
                      "read_sklearn_csv \"/nonexistent_mz/iris.csv\": cannot open the file.");
}

TEST(DemoSupport, SplitsStandardizesAndCounts) {
  std::vector<int> y;
  for (int c = 0; c < 3; ++c)
    for (int i = 0; i < 10; ++i) y.push_back(c);
  const Split s = stratified_split(y, 0.3, 7);
  EXPECT_EQ(s.test.size(), 9u);
  EXPECT_EQ(s.train.size(), 21u);
  const std::vector<int> test_y = take(y, s.test);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(std::count(test_y.begin(), test_y.end(), c), 3);
  EXPECT_EQ(stratified_split(y, 0.3, 7).test, s.test);  // the seed decides

  std::vector<std::vector<double>> x = {{1, 5}, {3, 5}};
  standardize(x);
  EXPECT_DOUBLE_EQ(x[0][0], -1.0);
  EXPECT_DOUBLE_EQ(x[1][0], 1.0);
  EXPECT_DOUBLE_EQ(x[0][1], 0.0);  // a constant column becomes 0

  const auto counts = confusion_counts({0, 0, 1, 2}, {0, 1, 1, 2}, 3);
  EXPECT_EQ(counts[0][1], 1);
  EXPECT_EQ(counts[1][1], 1);
  EXPECT_DOUBLE_EQ(accuracy({0, 0, 1, 2}, {0, 1, 1, 2}), 0.75);

  DemoOptions options{.params = {{"steps", "250"}, {"sigma", "wide"}}};
  EXPECT_EQ(param("som_iris", options, "steps", 1), 250);
  EXPECT_EQ(param("som_iris", options, "rows", 7), 7);
  MZ_EXPECT_THROW_MSG(param("som_iris", options, "sigma", 1), ValueError,
                      "merezha demo som_iris: parameter 'sigma' must be a number: expected e.g. "
                      "sigma=0.5, got \"wide\".");
  MZ_EXPECT_THROW_MSG(check_params("som_iris", options, {"steps"}), ValueError,
                      "merezha demo som_iris: unknown parameter 'sigma': expected one of steps.");
}

TEST(DemoSupport, RegionGridCellsAreSampledAtTheirCentres) {
  const plot::RegionGrid g =
      region_grid(0, 4, 0, 2, 2, 4, [](double x, double y) { return x > 2 ? 1 : (y > 1 ? 2 : 0); });
  ASSERT_EQ(g.classes.size(), 2u);
  EXPECT_EQ(g.classes[0], (std::vector<int>{0, 0, 1, 1}));  // row 0 at the bottom, y = 0.5
  EXPECT_EQ(g.classes[1], (std::vector<int>{2, 2, 1, 1}));
}

}  // namespace
}  // namespace mz::apps
