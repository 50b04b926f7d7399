// What every libFuzzer target of fuzz/ shares: the golden directory, and seeding an empty
// corpus directory (the first argument not starting with '-') with a loader's golden inputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/loaders.h"
#include "mz/core/error.h"

namespace mz::fuzz {

// tests/golden of this checkout (set by fuzz/CMakeLists.txt).
inline const std::string kGolden = MZ_GOLDEN_DIR;

// Writes `seeds` as seed-<i> into the corpus directory named on the command line when it is
// missing or empty, so `fuzz_<loader> corpus/` starts from the goldens.
inline void seed_corpus(int argc, char** argv, const std::vector<Bytes>& seeds) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    std::error_code ec;
    std::filesystem::create_directories(arg, ec);
    if (!std::filesystem::is_empty(arg, ec)) return;
    for (std::size_t k = 0; k < seeds.size(); ++k) {
      const std::string path = arg + "/seed-" + std::to_string(k);
      put_file(path, seeds[k].data(), seeds[k].size());
    }
    return;
  }
}

// The member `name` of a .keras file (empty when absent).
inline Bytes keras_member(const std::string& keras_path, const std::string& name) {
  for (const auto& m : keras_members(keras_path))
    if (m.name == name) return m.bytes;
  return {};
}

}  // namespace mz::fuzz
