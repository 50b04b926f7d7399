// libFuzzer target: the bytes as an IDX file (plain or gzipped), through read_idx
// (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

std::vector<mz::fuzz::Bytes> seeds() {
  mz::fuzz::Bytes b = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 4};
  for (int i = 0; i < 60; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  mz::fuzz::Bytes f = {0, 0, 0x0d, 2, 0, 0, 0, 2, 0, 0, 0, 3};
  for (int i = 0; i < 6; ++i) f.insert(f.end(), {0x3f, 0x80, 0, static_cast<uint8_t>(i)});
  return {b, f};
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::read_idx_bytes(mz::fuzz::scratch_dir(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
