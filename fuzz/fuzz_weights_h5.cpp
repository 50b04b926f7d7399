// libFuzzer target: the bytes as a .weights.h5 file, through load_weights into the golden mlp
// (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

const std::string kMlp = mz::fuzz::kGolden + "/keras_files/mlp.keras";

std::vector<mz::fuzz::Bytes> seeds() { return {mz::fuzz::keras_member(kMlp, "model.weights.h5")}; }

mz::Model& model() {
  static std::shared_ptr<mz::Model> m = mz::load_model(kMlp);
  return *m;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::load_weights_h5(model(), mz::fuzz::scratch_dir(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
