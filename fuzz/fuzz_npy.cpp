// libFuzzer target: the bytes as a .npy file, through read_npy
// (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

std::vector<mz::fuzz::Bytes> seeds() {
  std::vector<mz::fuzz::Bytes> out;
  for (const auto& e : std::filesystem::directory_iterator(mz::fuzz::kGolden + "/npy"))
    if (e.path().extension() == ".npy") out.push_back(mz::fuzz::get_file(e.path().string()));
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::read_npy_bytes(mz::fuzz::scratch_dir(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
