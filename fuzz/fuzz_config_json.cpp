// libFuzzer target: the bytes as config.json of the golden mlp.keras, through load_model
// (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

const std::string kMlp = mz::fuzz::kGolden + "/keras_files/mlp.keras";

std::vector<mz::fuzz::Bytes> seeds() {
  std::vector<mz::fuzz::Bytes> out;
  for (const char* n : {"mlp", "cnn", "lstm", "two_input"})
    out.push_back(
        mz::fuzz::keras_member(mz::fuzz::kGolden + "/keras_files/" + n + ".keras", "config.json"));
  return out;
}

const std::vector<mz::io::detail::ZipMember>& members() {
  static const auto m = mz::fuzz::keras_members(kMlp);
  return m;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::load_config_json(mz::fuzz::scratch_dir(), members(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
