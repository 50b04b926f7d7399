// The forecasting demo's quick run: Elman and LSTM beat the naive last-value forecast by the
// stated margins on the sunspot and CO2 tails and write both charts; missing data is named.
#include <filesystem>
#include <sstream>

#include "examples/apps/demos.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::apps {
namespace {

TEST(Forecasting, QuickRunBeatsTheNaiveForecast) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "mz_apps_test_forecasting";
  std::filesystem::remove_all(dir);
  std::ostringstream log;
  DemoResult r = run_demo("forecasting", {.out_dir = dir.string(), .quick = true}, log);
  EXPECT_TRUE(r.passed) << log.str();
  EXPECT_GT(r.value, 0.0);
  EXPECT_LE(r.value, 0.8) << log.str();  // LSTM RMSE / naive RMSE on the sunspot tail
  EXPECT_NE(log.str().find("naive RMSE 30.3456"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("bars RMSE / naive <= 0.8 (sunspots), <= 0.5 (CO2): met"),
            std::string::npos)
      << log.str();
  ASSERT_EQ(r.files.size(), 2u);
  for (const std::string& f : r.files) EXPECT_TRUE(std::filesystem::exists(f)) << f;
}

TEST(Forecasting, ReportsMissingDataAndBadParameters) {
  std::ostringstream log;
  DemoOptions options{.quick = true, .data_dir = "/nonexistent_mz_data"};
  MZ_EXPECT_THROW_MSG(run_demo("forecasting", options, log), IoError,
                      "merezha demo: data file \"sunspots.csv\" not found: expected it in "
                      "/nonexistent_mz_data.");
  options = {.quick = true, .params = {{"epochs", "few"}}};
  MZ_EXPECT_THROW_MSG(run_demo("forecasting", options, log), ValueError,
                      "merezha demo forecasting: parameter 'epochs' must be a number");
}

}  // namespace
}  // namespace mz::apps
