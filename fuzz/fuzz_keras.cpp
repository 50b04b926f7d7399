// libFuzzer target: the bytes as a .keras archive, through load_model
// (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

std::vector<mz::fuzz::Bytes> seeds() {
  std::vector<mz::fuzz::Bytes> out;
  for (const char* n : {"mlp", "cnn", "lstm", "two_input"})
    out.push_back(mz::fuzz::get_file(mz::fuzz::kGolden + "/keras_files/" + n + ".keras"));
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::load_keras(mz::fuzz::scratch_dir(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
