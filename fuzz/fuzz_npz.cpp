// libFuzzer target: the bytes as a .npz archive, through read_npz
// (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

std::vector<mz::fuzz::Bytes> seeds() {
  return {mz::fuzz::get_file(mz::fuzz::kGolden + "/npy/deflated.npz")};
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::read_npz_bytes(mz::fuzz::scratch_dir(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
