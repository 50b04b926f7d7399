// libFuzzer target: the bytes as a legacy Keras .h5 model file, through load_model
// (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

std::vector<mz::fuzz::Bytes> seeds() {
  std::vector<mz::fuzz::Bytes> out;
  for (const char* n : {"keras2_mlp", "keras2_two_branch", "mlp", "cnn", "lstm", "two_branch"})
    out.push_back(mz::fuzz::get_file(mz::fuzz::kGolden + "/keras_legacy_h5/" + n + ".h5"));
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::load_legacy_h5(mz::fuzz::scratch_dir(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
