// The malformed-file battery for TensorBoard event files (reliability.md F1-F3): an event file
// written by EventFileWriter (scalars, a histogram, a text tensor) truncated, mutated and
// block-edited and read back with read_event_values; a record declaring a huge length.
#include <gtest/gtest.h>

#include <filesystem>

#include "fuzz/loaders.h"
#include "mz/io/malformed_battery.h"
#include "mz/io/tensorboard_events.h"
#include "mz/io/test_files.h"
#include "testing.h"

namespace mz {
namespace {

using mz::testing::Bytes;
using mz::testing::TempDir;

// An event file of a few records of each kind the writer makes, and its record count.
Bytes golden_events(const TempDir& dir, std::size_t* records) {
  std::string path;
  {
    io::EventFileWriter w(dir.file("logs"));
    for (int step = 0; step < 3; ++step) w.add_scalar("epoch_loss", 1.0 / (step + 1), step);
    w.add_histogram("dense/kernel", {0.5, -1.0, 2.0, 0.25, 0.0}, 1, 4);
    w.add_text_tensor("keras", "{\"class_name\": \"Sequential\"}", "graph_keras_model", "1", 0);
    w.close();
    path = w.path();
  }
  *records = io::read_event_records(path).size();
  return mz::testing::read_bytes(path);
}

TEST(TensorboardEventsMalformed, EventFileBattery) {
  TempDir dir;
  std::size_t records = 0;
  const Bytes golden = golden_events(dir, &records);
  ASSERT_EQ(records, 6u);
  // A file cut between two records is a shorter valid file (TensorBoard reads files being
  // written), so truncations may load: at most once per record boundary.
  auto plan =
      mz::testing::battery_plan({.truncations = SIZE_MAX, .mutations = 2000, .blocks = 300});
  plan.truncations_fail = false;
  auto r = mz::testing::run_battery(
      "events file", golden,
      [&](const Bytes& b) { fuzz::read_events(dir.path().string(), b.data(), b.size()); },
      {"read_event_file \"" + dir.file("events.out.tfevents.1700000000.fuzz") + "\""}, plan, 19);
  EXPECT_EQ(r.truncations, golden.size());
  EXPECT_GT(r.errors, r.truncations - records - 1);
}

TEST(TensorboardEventsMalformed, HugeRecordLengthIsRefused) {
  TempDir dir;
  Bytes b;
  mz::testing::put_le(b, 0xfffffffffffffff0ull, 8);
  const uint32_t crc = io::masked_crc32c(b.data(), 8);
  mz::testing::put_le(b, crc, 4);
  b.insert(b.end(), 16, 0);
  try {
    fuzz::read_events(dir.path().string(), b.data(), b.size());
    ADD_FAILURE() << "a record of 2^64 - 16 bytes was read";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("record at byte 0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mz
