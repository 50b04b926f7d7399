// The malformed-file battery for .weights.h5 files (reliability.md F1-F3): each golden
// archive's model.weights.h5 truncated, mutated and block-edited and loaded with load_weights
// into its model, and the crafted HDF5 files of fuzz/crafted (make_crafted.c) refused by name.
#include <gtest/gtest.h>

#include "fuzz/loaders.h"
#include "mz/io/h5_weights.h"
#include "mz/io/keras_file.h"
#include "mz/io/malformed_battery.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "testing.h"

namespace mz {
namespace {

using mz::testing::Bytes;
using mz::testing::TempDir;

const std::string kDir = std::string(MZ_GOLDEN_DIR) + "/keras_files/";
const std::string kCrafted = std::string(MZ_GOLDEN_DIR) + "/../../fuzz/crafted/";

#define MZ_REQUIRE_KERAS_FILES()                              \
  if (!io::detail::have_libzip() || !io::detail::have_hdf5()) \
  GTEST_SKIP() << "merezha was built without libzip or libhdf5"

Bytes weights_of(const std::string& keras_path) {
  for (const auto& m : fuzz::keras_members(keras_path))
    if (m.name == "model.weights.h5") return m.bytes;
  return {};
}

// load_weights' error for the crafted file `name` loaded into the golden mlp ("" if it loads).
std::string crafted_error(const TempDir& dir, const std::string& name) {
  auto model = load_model(kDir + "mlp.keras");
  const Bytes b = mz::testing::read_bytes(kCrafted + name);
  EXPECT_GT(b.size(), 0u) << name;
  try {
    fuzz::load_weights_h5(*model, dir.path().string(), b.data(), b.size());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(H5WeightsMalformed, WeightsBattery) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  const auto plan = mz::testing::battery_plan({.truncations = 80, .mutations = 80, .blocks = 16});
  for (const char* name : {"mlp", "cnn", "lstm", "two_input"}) {
    auto model = load_model(kDir + name + ".keras");
    auto r = mz::testing::run_battery(
        str(name, ".weights.h5"), weights_of(kDir + name + ".keras"),
        [&](const Bytes& b) {
          fuzz::load_weights_h5(*model, dir.path().string(), b.data(), b.size());
        },
        {"load_weights \"" + dir.file("fuzz.weights.h5") + "\""}, plan, 13);
    EXPECT_GE(r.errors, r.truncations) << name;
  }
}

TEST(H5WeightsMalformed, ShapeBombIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string msg = crafted_error(dir, "shape_bomb.weights.h5");
  EXPECT_NE(msg.find("dataset \"layers/dense/vars/0\": declares 1099511627776 bytes with 1024 "
                     "stored (more than 1000x): refusing a likely shape bomb."),
            std::string::npos)
      << msg;
}

TEST(H5WeightsMalformed, SoftLinkIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string msg = crafted_error(dir, "soft_link.weights.h5");
  EXPECT_NE(msg.find("\"layers/dense/vars/1\" is a soft link; refusing it."), std::string::npos)
      << msg;
}

TEST(H5WeightsMalformed, ExternalLinkIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string msg = crafted_error(dir, "external_link.weights.h5");
  EXPECT_NE(msg.find("\"layers/dense/vars/1\" is an external or user-defined link; refusing it."),
            std::string::npos)
      << msg;
}

TEST(H5WeightsMalformed, ExternalDatasetIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string msg = crafted_error(dir, "external_dataset.weights.h5");
  EXPECT_NE(msg.find("dataset \"layers/dense/vars/0\": stores its data in external files; "
                     "refusing it."),
            std::string::npos)
      << msg;
}

TEST(H5WeightsMalformed, VirtualDatasetIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string msg = crafted_error(dir, "virtual_dataset.weights.h5");
  EXPECT_NE(msg.find("dataset \"layers/dense/vars/0\": is a virtual dataset (data from other "
                     "files); refusing it."),
            std::string::npos)
      << msg;
}

TEST(H5WeightsMalformed, OverflowingDimsAreRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string msg = crafted_error(dir, "overflow_dims.weights.h5");
  EXPECT_NE(msg.find("dataset \"layers/dense/vars/0\": its shape overflows 64-bit sizes."),
            std::string::npos)
      << msg;
}

}  // namespace
}  // namespace mz
