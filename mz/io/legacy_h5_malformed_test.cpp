// The malformed-file battery for legacy Keras .h5 model files (reliability.md F1/F2): the
// goldens of tests/golden/keras_legacy_h5 truncated, mutated and block-edited and loaded with
// load_model. Each load reads the string attributes in a child process (legacy_h5.cpp), so the
// default counts are small; MEREZHA_FULL_BATTERY=1 runs the full ones.
#include <gtest/gtest.h>

#include "fuzz/loaders.h"
#include "mz/io/h5_weights.h"
#include "mz/io/malformed_battery.h"
#include "mz/io/test_files.h"
#include "testing.h"

namespace mz {
namespace {

using mz::testing::Bytes;
using mz::testing::TempDir;

const std::string kDir = std::string(MZ_GOLDEN_DIR) + "/keras_legacy_h5/";

TEST(LegacyH5Malformed, LegacyBattery) {
  if (!io::detail::have_hdf5()) GTEST_SKIP() << "merezha was built without libhdf5";
  TempDir dir;
  const auto plan = mz::testing::battery_plan({.truncations = 24, .mutations = 30, .blocks = 6});
  const bool full = mz::testing::full_battery();
  std::vector<std::string> names = {"keras2_mlp", "two_branch"};
  if (full) names = {"keras2_mlp", "keras2_two_branch", "mlp", "cnn", "lstm", "two_branch"};
  for (const std::string& name : names) {
    auto r = mz::testing::run_battery(
        name + ".h5", mz::testing::read_bytes(kDir + name + ".h5"),
        [&](const Bytes& b) { fuzz::load_legacy_h5(dir.path().string(), b.data(), b.size()); },
        {"load_model \"" + dir.file("fuzz.h5") + "\""}, plan, 17);
    EXPECT_GE(r.errors, r.truncations) << name;
  }
}

}  // namespace
}  // namespace mz
