// The umbrella headers stay complete: every public header of the library is included by mz/mz.h
// (ops by mz/ops/ops.h, which mz.h includes), so `#include "mz/mz.h"` really is everything.
// Internal headers (kernels' plumbing, test helpers) are listed here and nowhere else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(MZ_EXAMPLES_DIR).parent_path();

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Headers that are not part of the public API: dispatch plumbing, helpers of one .cpp family,
// test-only helpers.
const std::set<std::string> kInternal = {
    "mz/ops/dispatch.h",        "mz/ops/op.h",
    "mz/nn/model_utils.h",      "mz/nn/callbacks/callback_list.h",
    "mz/nn/callbacks/callback_utils.h", "mz/nn/metrics/metric_utils.h",
    "mz/io/test_files.h",       "mz/io/zip_archive.h",       "mz/io/malformed_battery.h",
    "mz/io/h5_weights.h",       "mz/classic/classic_testing.h",
    "mz/classic/linalg.h",      "mz/classic/svg.h",
    "mz/classic/neurolab/golden_testing.h", "mz/classic/neurolab/hopfield_sim.h",
    "mz/nn/layers/recurrent_options.h",    "mz/nn/layers/attention_common.h",
    "mz/nn/layers/normalization_common.h", "mz/nn/layers/dropout_args.h",
};

TEST(Umbrella, IncludesEveryPublicHeader) {
  const std::string umbrella = read(kRoot / "mz/mz.h") + read(kRoot / "mz/ops/ops.h");
  std::string missing;
  for (const char* folder : {"mz/nn", "mz/ops", "mz/io", "mz/classic"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / folder)) {
      if (entry.path().extension() != ".h") continue;
      const std::string rel = fs::relative(entry.path(), kRoot).generic_string();
      if (kInternal.count(rel) || rel.find("/detail/") != std::string::npos) continue;
      if (umbrella.find("#include \"" + rel + "\"") == std::string::npos) missing += " " + rel;
    }
  }
  EXPECT_EQ(missing, "") << "mz/mz.h (or mz/ops/ops.h) does not include these public headers";
}

}  // namespace
