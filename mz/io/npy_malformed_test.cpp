// The malformed-file battery for .npy and .npz files (reliability.md F1/F2): every golden of
// tests/golden/npy truncated at every offset, mutated and block-edited.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "fuzz/loaders.h"
#include "mz/io/malformed_battery.h"
#include "mz/io/test_files.h"
#include "testing.h"

namespace mz {
namespace {

using mz::testing::Bytes;
using mz::testing::TempDir;

const std::string kDir = std::string(MZ_GOLDEN_DIR) + "/npy/";

TEST(NpyMalformed, NpyBattery) {
  TempDir dir;
  const auto plan =
      mz::testing::battery_plan({.truncations = SIZE_MAX, .mutations = 200, .blocks = 40});
  // Every golden in the full run; every fourth (by name) by default.
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(kDir))
    if (e.path().extension() == ".npy") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  EXPECT_GE(paths.size(), 16u);
  for (std::size_t i = 0; i < paths.size(); i += mz::testing::full_battery() ? 1 : 4) {
    const std::filesystem::path& path = paths[i];
    auto r = mz::testing::run_battery(
        path.filename().string(), mz::testing::read_bytes(path.string()),
        [&](const Bytes& b) { fuzz::read_npy_bytes(dir.path().string(), b.data(), b.size()); },
        {"read_npy \"" + dir.file("fuzz.npy") + "\""}, plan, 31);
    EXPECT_GE(r.errors, r.truncations);
  }
}

TEST(NpyMalformed, NpzBattery) {
  if (!io::detail::have_libzip()) GTEST_SKIP() << "merezha was built without libzip";
  TempDir dir;
  const auto plan =
      mz::testing::battery_plan({.truncations = SIZE_MAX, .mutations = 300, .blocks = 60});
  auto r = mz::testing::run_battery(
      "deflated.npz", mz::testing::read_bytes(kDir + "deflated.npz"),
      [&](const Bytes& b) { fuzz::read_npz_bytes(dir.path().string(), b.data(), b.size()); },
      {"read_npz \"" + dir.file("fuzz.npz") + "\""}, plan, 37);
  EXPECT_GE(r.errors, r.truncations);
}

}  // namespace
}  // namespace mz
