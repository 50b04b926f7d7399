// TensorBoard event files: CRC-32C test vectors, framing, the reader's checks, and (with
// protobuf) decoding of the hand-encoded Events by classes protoc made from
// mz/io/proto/tensorboard_event.proto.
#include "mz/io/tensorboard_events.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mz/core/error.h"
#include "mz/io/test_files.h"
#include "testing.h"

#if MZ_HAVE_TB_PROTO
#include "tensorboard_event.pb.h"
#endif

namespace mz::io {
namespace {

using mz::testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
void dump(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// The spec's vectors (specs/formats.md A3).
TEST(Crc32c, MatchesKnownVectors) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(masked_crc32c("123456789", 9), 0xC78AB0E5u);
  std::string zeros(32, '\0'), ones(32, '\xff');
  EXPECT_EQ(crc32c(zeros.data(), 32), 0x8A9136AAu);
  EXPECT_EQ(masked_crc32c(zeros.data(), 32), 0x0FD7FFFAu);
  EXPECT_EQ(crc32c(ones.data(), 32), 0x62A8AB43u);
  EXPECT_EQ(crc32c("", 0), 0u);
  EXPECT_EQ(masked_crc32c("", 0), 0xA282EAD8u);
  const uint64_t len = 24;
  EXPECT_EQ(masked_crc32c(&len, 8), 0x224B7FA3u);
}

TEST(EventFileWriter, NamesTheFileAndWritesScalars) {
  TempDir dir;
  std::string path;
  {
    EventFileWriter w(dir.file("train"));
    path = w.path();
    w.add_scalar("epoch_loss", 0.5, 0);
    w.add_scalar("epoch_loss", 0.25, 1);
    w.add_histogram("dense/kernel/histogram", {-1.0, 0.0, 0.5, 2.0}, 1, 4);
  }
  const std::string name = std::filesystem::path(path).filename().string();
  EXPECT_EQ(name.rfind("events.out.tfevents.", 0), 0u) << name;
  EXPECT_EQ(std::filesystem::path(path).parent_path(), dir.path() / "train");
  std::vector<EventValue> ev = read_event_values(path);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].file_version, "brain.Event:2");
  EXPECT_GT(ev[0].wall_time, 1.6e9);
  EXPECT_EQ(ev[1].tag, "epoch_loss");
  EXPECT_TRUE(ev[1].has_simple_value);
  EXPECT_EQ(ev[1].simple_value, 0.5);
  EXPECT_EQ(ev[1].step, 0);
  EXPECT_EQ(ev[2].simple_value, 0.25);
  EXPECT_EQ(ev[2].step, 1);
  EXPECT_TRUE(ev[3].has_histogram);
  EXPECT_EQ(ev[3].histogram_num, 4.0);
}

TEST(ReadEventRecords, RejectsCorruptAndTruncatedFiles) {
  TempDir dir;
  std::string path;
  {
    EventFileWriter w(dir.path().string());
    path = w.path();
    w.add_scalar("loss", 1.0, 3);
  }
  const std::string good = slurp(path);
  std::string bad = good;
  bad[bad.size() - 6] ^= 0x01;  // inside the last record's data
  dump(path, bad);
  MZ_EXPECT_THROW_MSG(read_event_records(path), FormatError, "data CRC is 0x");
  bad = good;
  bad[bad.size() - 30] ^= 0x40;
  dump(path, bad);
  EXPECT_THROW(read_event_records(path), FormatError);
  dump(path, good.substr(0, good.size() - 3));
  MZ_EXPECT_THROW_MSG(read_event_records(path), FormatError, "the file ends inside the record");
  // Every truncation is an error or a clean prefix of records, never a crash.
  for (std::size_t n = 0; n < good.size(); ++n) {
    dump(path, good.substr(0, n));
    try {
      read_event_values(path);
    } catch (const FormatError&) {
    }
  }
}

#if MZ_HAVE_TB_PROTO
TEST(EventFileWriter, DecodesWithTheProtoSchema) {
  TempDir dir;
  std::string path;
  {
    EventFileWriter w(dir.path().string());
    path = w.path();
    w.add_scalar("epoch_accuracy", 0.75, 2);
    w.add_histogram("h", {1.0, 2.0, 3.0}, 2, 3);
    w.add_text_tensor("keras", "{\"class_name\": \"Sequential\"}", "graph_keras_model", "1", 0);
  }
  std::vector<std::string> recs = read_event_records(path);
  ASSERT_EQ(recs.size(), 4u);
  mz_tensorboard::Event e;
  ASSERT_TRUE(e.ParseFromString(recs[0]));
  EXPECT_EQ(e.file_version(), "brain.Event:2");
  ASSERT_TRUE(e.ParseFromString(recs[1]));
  EXPECT_EQ(e.step(), 2);
  ASSERT_EQ(e.summary().value_size(), 1);
  EXPECT_EQ(e.summary().value(0).tag(), "epoch_accuracy");
  EXPECT_EQ(e.summary().value(0).simple_value(), 0.75f);
  ASSERT_TRUE(e.ParseFromString(recs[2]));
  const auto& h = e.summary().value(0).histo();
  EXPECT_EQ(h.min(), 1.0);
  EXPECT_EQ(h.max(), 3.0);
  EXPECT_EQ(h.num(), 3.0);
  EXPECT_EQ(h.sum(), 6.0);
  EXPECT_EQ(h.sum_squares(), 14.0);
  ASSERT_EQ(h.bucket_limit_size(), 3);
  ASSERT_EQ(h.bucket_size(), 3);
  EXPECT_EQ(h.bucket(0) + h.bucket(1) + h.bucket(2), 3.0);
  EXPECT_EQ(h.bucket_limit(2), 3.0);
  ASSERT_TRUE(e.ParseFromString(recs[3]));
  const auto& v = e.summary().value(0);
  EXPECT_EQ(v.metadata().plugin_data().plugin_name(), "graph_keras_model");
  EXPECT_EQ(v.tensor().dtype(), 7);
  ASSERT_EQ(v.tensor().string_val_size(), 1);
  EXPECT_EQ(v.tensor().string_val(0), "{\"class_name\": \"Sequential\"}");
}
#endif

}  // namespace
}  // namespace mz::io
