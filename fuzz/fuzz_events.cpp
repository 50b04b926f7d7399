// libFuzzer target: the bytes as a TensorBoard event file, through read_event_values
// (fuzz/loaders.h); anything but an mz::Error escaping is a finding. tools/fuzz.sh runs it.
#include "fuzz/fuzz_main.h"

namespace {

std::vector<mz::fuzz::Bytes> seeds() {
  const std::string dir = mz::fuzz::scratch_dir() + "/seed_logs";
  std::string path;
  {
    mz::io::EventFileWriter w(dir);
    for (int step = 0; step < 3; ++step) w.add_scalar("epoch_loss", 1.0 / (step + 1), step);
    w.add_histogram("dense/kernel", {0.5, -1.0, 2.0, 0.25, 0.0}, 1, 4);
    w.add_text_tensor("keras", "{\"class_name\": \"Sequential\"}", "graph_keras_model", "1", 0);
    w.close();
    path = w.path();
  }
  return {mz::fuzz::get_file(path)};
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  mz::fuzz::seed_corpus(*argc, *argv, seeds());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mz::fuzz::read_events(mz::fuzz::scratch_dir(), data, size);
  } catch (const mz::Error&) {
  }
  return 0;
}
