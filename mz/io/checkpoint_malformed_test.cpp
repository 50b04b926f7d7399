// The malformed-file battery for BackupAndRestore backups (reliability.md F1-F3): a backup of
// the golden mlp (training_metadata.json and latest-0.weights.h5) with either file truncated,
// mutated or block-edited, restored through the public path (on_train_begin).
#include <gtest/gtest.h>

#include "fuzz/loaders.h"
#include "mz/io/h5_weights.h"
#include "mz/io/malformed_battery.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "testing.h"

namespace mz {
namespace {

using mz::testing::Bytes;
using mz::testing::TempDir;

const std::string kMlp = std::string(MZ_GOLDEN_DIR) + "/keras_files/mlp.keras";

#define MZ_REQUIRE_KERAS_FILES()                              \
  if (!io::detail::have_libzip() || !io::detail::have_hdf5()) \
  GTEST_SKIP() << "merezha was built without libzip or libhdf5"

TEST(CheckpointMalformed, MetadataBattery) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto model = load_model(kMlp);
  const std::string backup = dir.file("backup");
  const fuzz::Backup golden = fuzz::make_backup(*model, backup);
  ASSERT_GT(golden.metadata.size(), 0u);
  ASSERT_GT(golden.weights.size(), 0u);
  fuzz::restore_backup(*model, backup, golden.metadata, golden.weights);  // the intact one loads
  const auto plan = mz::testing::battery_plan({.truncations = 60, .mutations = 120, .blocks = 20});
  // As written (the damage meets the checksum) and resealed (it reaches the fields).
  for (bool reseal : {false, true})
    mz::testing::run_battery(
        reseal ? "training_metadata.json (resealed)" : "training_metadata.json", golden.metadata,
        [&](const Bytes& b) { fuzz::restore_backup(*model, backup, b, golden.weights, reseal); },
        {"BackupAndRestore \""}, plan, 23, {"training_metadata.json", ".weights.h5"});
}

TEST(CheckpointMalformed, WeightsBattery) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto model = load_model(kMlp);
  const std::string backup = dir.file("backup");
  const fuzz::Backup golden = fuzz::make_backup(*model, backup);
  const auto plan = mz::testing::battery_plan({.truncations = 40, .mutations = 40, .blocks = 8});
  // The metadata resealed for each damaged file, so the damage reaches libhdf5.
  auto r = mz::testing::run_battery(
      "latest-0.weights.h5", golden.weights,
      [&](const Bytes& b) { fuzz::restore_backup(*model, backup, golden.metadata, b); },
      {"latest-0.weights.h5\""}, plan, 29);
  EXPECT_GE(r.errors, r.truncations);
}

TEST(CheckpointMalformed, WeightsFileOutsideTheBackupIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto model = load_model(kMlp);
  const std::string backup = dir.file("backup");
  const fuzz::Backup golden = fuzz::make_backup(*model, backup);
  Json m = Json::parse(golden.metadata.begin(), golden.metadata.end());
  m["weights_file"] = "../../etc/latest-0.weights.h5";
  const std::string text = m.dump();
  try {
    fuzz::restore_backup(*model, backup, Bytes(text.begin(), text.end()), golden.weights);
    ADD_FAILURE() << "a weights file outside the backup directory was loaded";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("\"weights_file\": expected a name "
                                         "latest-<n>.weights.h5, got \"../../etc/"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace mz
