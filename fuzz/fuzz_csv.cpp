// libFuzzer target: the bytes as a CSV file with a header, the last column the label, through
// read_csv (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs
// it.
#include "fuzz/fuzz_main.h"

namespace {

std::vector<mz::fuzz::Bytes> seeds() {
  return {mz::fuzz::get_file(mz::fuzz::kGolden + "/classic/iris.csv"),
          mz::fuzz::get_file(mz::fuzz::kGolden + "/classic/diabetes.csv")};
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::read_csv_bytes(mz::fuzz::scratch_dir(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
