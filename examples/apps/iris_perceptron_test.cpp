// Quick runs of the classification demos on Iris: each meets its quick bar and writes its
// pictures; the demo table and run_demo report unknown names and parameters by text.
#include <filesystem>

#include "examples/apps/demos.h"
#include "mz/core/error.h"
#include "mz/plot/detail/plot_testing.h"
#include "testing.h"

namespace mz::apps {
namespace {

namespace fs = std::filesystem;

// A fresh output folder for one test.
std::string out_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("mz_apps_test_" + name);
  fs::remove_all(dir);
  return dir.string();
}

TEST(Demos, UnknownNamesAndParametersAreReported) {
  std::ostringstream log;
  MZ_EXPECT_THROW_MSG(run_demo("irs", {}, log), ValueError,
                      "merezha demo: unknown demo 'irs': expected one of iris_perceptron");
  DemoOptions options{.quick = true, .params = {{"epocs", "3"}}};
  MZ_EXPECT_THROW_MSG(run_demo("iris_perceptron", options, log), ValueError,
                      "merezha demo iris_perceptron: unknown parameter 'epocs': expected one of "
                      "epochs, test_fraction.");
  options.params = {{"epochs", "many"}};
  MZ_EXPECT_THROW_MSG(run_demo("iris_perceptron", options, log), ValueError,
                      "merezha demo iris_perceptron: parameter 'epochs' must be a number");
  options.params.clear();
  options.data_dir = "/nonexistent_mz_data";
  MZ_EXPECT_THROW_MSG(run_demo("iris_perceptron", options, log), IoError,
                      "merezha demo: data file \"iris.csv\" not found: expected it in "
                      "/nonexistent_mz_data.");
}

TEST(IrisPerceptron, QuickRunMeetsItsBar) {
  std::ostringstream log;
  const DemoResult r =
      run_demo("iris_perceptron", {.out_dir = out_dir("iris_perceptron"), .quick = true}, log);
  EXPECT_EQ(r.figure_of_merit, "test accuracy");
  EXPECT_GE(r.value, 0.85) << log.str();
  EXPECT_TRUE(r.passed);
  ASSERT_EQ(r.files.size(), 3u);
  for (const std::string& f : r.files) EXPECT_TRUE(fs::is_regular_file(f)) << f;
}

}  // namespace
}  // namespace mz::apps
