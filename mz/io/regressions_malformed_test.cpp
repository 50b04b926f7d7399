// Replays every file of fuzz/regressions/<loader>/ (inputs that once crashed a loader, found
// by the libFuzzer targets or the battery) through its loader: each must load or throw an
// mz::Error, never crash or throw anything else.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>

#include "fuzz/loaders.h"
#include "mz/io/h5_weights.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "testing.h"

namespace mz {
namespace {

namespace fs = std::filesystem;
using mz::testing::Bytes;
using mz::testing::TempDir;

const fs::path kRegressions = fs::path(MZ_GOLDEN_DIR) / ".." / ".." / "fuzz" / "regressions";
const std::string kMlp = std::string(MZ_GOLDEN_DIR) + "/keras_files/mlp.keras";

TEST(RegressionsMalformed, EveryRegressionFileGivesAnErrorOrLoads) {
  if (!io::detail::have_libzip() || !io::detail::have_hdf5())
    GTEST_SKIP() << "merezha was built without libzip or libhdf5";
  TempDir dir;
  const std::string d = dir.path().string();
  auto model = load_model(kMlp);
  const auto members = fuzz::keras_members(kMlp);
  const fuzz::Backup backup = fuzz::make_backup(*model, dir.file("backup"));
  using Load = std::function<void(const Bytes&)>;
  const std::map<std::string, Load> loaders = {
      {"keras", [&](const Bytes& b) { fuzz::load_keras(d, b.data(), b.size()); }},
      {"config_json",
       [&](const Bytes& b) { fuzz::load_config_json(d, members, b.data(), b.size()); }},
      {"weights_h5", [&](const Bytes& b) { fuzz::load_weights_h5(*model, d, b.data(), b.size()); }},
      {"legacy_h5", [&](const Bytes& b) { fuzz::load_legacy_h5(d, b.data(), b.size()); }},
      {"events", [&](const Bytes& b) { fuzz::read_events(d, b.data(), b.size()); }},
      {"checkpoint",
       [&](const Bytes& b) {
         fuzz::restore_backup(*model, dir.file("backup"), b, backup.weights);
       }},
      {"npy", [&](const Bytes& b) { fuzz::read_npy_bytes(d, b.data(), b.size()); }},
      {"npz", [&](const Bytes& b) { fuzz::read_npz_bytes(d, b.data(), b.size()); }},
      {"idx", [&](const Bytes& b) { fuzz::read_idx_bytes(d, b.data(), b.size()); }},
      {"csv", [&](const Bytes& b) { fuzz::read_csv_bytes(d, b.data(), b.size()); }},
  };
  int replayed = 0;
  std::error_code ec;
  for (const auto& folder : fs::directory_iterator(kRegressions, ec)) {
    if (!folder.is_directory()) continue;
    const std::string loader = folder.path().filename().string();
    auto it = loaders.find(loader);
    if (it == loaders.end()) {
      ADD_FAILURE() << "fuzz/regressions/" << loader << ": no such loader";
      continue;
    }
    for (const auto& file : fs::directory_iterator(folder.path())) {
      ++replayed;
      try {
        it->second(mz::testing::read_bytes(file.path().string()));
      } catch (const Error&) {
      } catch (const std::exception& e) {
        ADD_FAILURE() << file.path() << ": threw a non-mz exception: " << e.what();
      }
    }
  }
  std::cout << "[ replayed ] " << replayed << " regression files\n";
}

}  // namespace
}  // namespace mz
