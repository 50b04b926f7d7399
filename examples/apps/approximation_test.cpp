// The approximation demo's quick run: every fit meets its bar, newrbe on sinc reproduces the
// reference RMSE of specs/classic.md §5, the charts and maps are written; parameters are checked.
#include <filesystem>
#include <sstream>

#include "examples/apps/demos.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::apps {
namespace {

TEST(Approximation, QuickRunMeetsItsBars) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "mz_apps_test_approximation";
  std::filesystem::remove_all(dir);
  std::ostringstream log;
  DemoResult r = run_demo("approximation", {.out_dir = dir.string(), .quick = true}, log);
  EXPECT_TRUE(r.passed) << log.str();
  // newrbe, spread 1, 21 samples of sinc on [-10, 10], 401 test points: 0.0028 (§5 [R]).
  EXPECT_NEAR(r.value, 0.0028, 1e-4) << log.str();
  EXPECT_EQ(log.str().find("MISSED"), std::string::npos) << log.str();
  ASSERT_EQ(r.files.size(), 6u);
  for (const std::string& f : r.files) EXPECT_TRUE(std::filesystem::exists(f)) << f;
}

TEST(Approximation, ChecksItsParameters) {
  std::ostringstream log;
  DemoOptions options{.quick = true, .params = {{"epochs", "3"}}};
  MZ_EXPECT_THROW_MSG(run_demo("approximation", options, log), ValueError,
                      "merezha demo approximation: unknown parameter 'epochs': expected one of "
                      "franke_epochs.");
}

}  // namespace
}  // namespace mz::apps
