// libFuzzer target: the bytes as a BackupAndRestore training_metadata.json beside a good weights
// file, restored through on_train_begin (fuzz/loaders.h); anything but an mz::Error escaping is a
// finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

const std::string kMlp = mz::fuzz::kGolden + "/keras_files/mlp.keras";

mz::Model& model() {
  static std::shared_ptr<mz::Model> m = mz::load_model(kMlp);
  return *m;
}

const mz::fuzz::Backup& backup() {
  static const mz::fuzz::Backup b =
      mz::fuzz::make_backup(model(), mz::fuzz::scratch_dir() + "/backup");
  return b;
}

std::vector<mz::fuzz::Bytes> seeds() { return {backup().metadata}; }
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::restore_backup(model(), mz::fuzz::scratch_dir() + "/backup",
                             mz::fuzz::Bytes(data, data + size), backup().weights);
  } catch (const mz::Error&) {
  }
  return 0;
}
