// Quick runs of the Iris LVQ demo and the SOM demos: each meets its quick bar and writes its
// pictures.
#include <filesystem>

#include "examples/apps/demos.h"
#include "testing.h"

namespace mz::apps {
namespace {

namespace fs = std::filesystem;

// Runs demo `name` in quick mode into a fresh folder; checks its files exist.
DemoResult quick_run(const std::string& name, std::size_t files) {
  const fs::path dir = fs::temp_directory_path() / ("mz_apps_test_" + name);
  fs::remove_all(dir);
  std::ostringstream log;
  DemoResult r = run_demo(name, {.out_dir = dir.string(), .quick = true}, log);
  EXPECT_EQ(r.files.size(), files) << log.str();
  for (const std::string& f : r.files) EXPECT_TRUE(fs::is_regular_file(f)) << f;
  return r;
}

TEST(IrisLvq, QuickRunMeetsItsBar) {
  const DemoResult r = quick_run("iris_lvq", 3);
  EXPECT_EQ(r.figure_of_merit, "test accuracy");
  EXPECT_GE(r.value, 0.85);
  EXPECT_TRUE(r.passed);
}

TEST(SomIris, QuickRunReachesMiniSomsQuantisationError) {
  const DemoResult r = quick_run("som_iris", 3);
  EXPECT_EQ(r.figure_of_merit, "quantisation error");
  EXPECT_LE(r.value, 0.336);
  EXPECT_TRUE(r.passed);
}

TEST(SomWine, QuickRunSeparatesTheCultivars) {
  const DemoResult r = quick_run("som_wine", 3);
  EXPECT_EQ(r.figure_of_merit, "cluster purity");
  EXPECT_GE(r.value, 0.95);
  EXPECT_TRUE(r.passed);
}

}  // namespace
}  // namespace mz::apps
