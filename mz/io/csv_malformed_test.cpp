// The malformed-file battery for CSV files (reliability.md F1/F2): the golden iris.csv
// truncated, mutated and block-edited; a CSV file cut after a row or with a digit changed is
// still a CSV file, so loads are allowed, crashes and untyped exceptions are not.
#include <gtest/gtest.h>

#include <filesystem>

#include "fuzz/loaders.h"
#include "mz/io/malformed_battery.h"
#include "mz/io/test_files.h"
#include "testing.h"

namespace mz {
namespace {

using mz::testing::Bytes;
using mz::testing::TempDir;

std::string golden_csv() {
  for (const auto& e : std::filesystem::recursive_directory_iterator(MZ_GOLDEN_DIR))
    if (e.path().filename() == "iris.csv") return e.path().string();
  return "";
}

TEST(CsvMalformed, CsvBattery) {
  TempDir dir;
  const std::string path = golden_csv();
  ASSERT_FALSE(path.empty());
  auto plan = mz::testing::battery_plan({.truncations = 200, .mutations = 600, .blocks = 100});
  plan.truncations_fail = false;
  auto r = mz::testing::run_battery(
      "iris.csv", mz::testing::read_bytes(path),
      [&](const Bytes& b) { fuzz::read_csv_bytes(dir.path().string(), b.data(), b.size()); },
      {"read_csv \"" + dir.file("fuzz.csv") + "\""}, plan, 43);
  EXPECT_GT(r.errors, 0u);
}

}  // namespace
}  // namespace mz
