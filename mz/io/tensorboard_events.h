// TensorBoard event files (specs/formats.md A3): TFRecord framing with masked CRC-32C around
// hand-encoded Event protos (schema in mz/io/proto/tensorboard_event.proto), a writer for
// scalars, histograms and the model config, and a checking reader. No protobuf dependency.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace mz::io {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of the bytes; crc32c("123456789") ==
// 0xE3069283.
uint32_t crc32c(const void* data, std::size_t size);
// TFRecord's masked CRC: rotate right by 15 bits, plus 0xA282EAD8 (mod 2^32).
uint32_t masked_crc32c(const void* data, std::size_t size);

// Appends events to one file events.out.tfevents.<10-digit unix seconds>.<hostname> in a
// directory (made when missing). The first record is the file_version event
// ("brain.Event:2"); every record is written whole, and flush() pushes them to the OS.
class EventFileWriter {
 public:
  // Creates the directory and the file; throws IoError naming the path when it cannot.
  explicit EventFileWriter(const std::string& log_dir);
  ~EventFileWriter();
  EventFileWriter(const EventFileWriter&) = delete;
  EventFileWriter& operator=(const EventFileWriter&) = delete;

  // A scalar summary (Summary.Value.simple_value, float32) under `tag` at `step`.
  void add_scalar(const std::string& tag, double value, int64_t step);
  // A histogram summary (HistogramProto: min, max, num, sum, sum_squares and `buckets` equal
  // buckets between min and max, right edges ascending) of the values under `tag`.
  void add_histogram(const std::string& tag, const std::vector<double>& values, int64_t step,
                     int buckets = 30);
  // A string tensor summary (DT_STRING scalar) with the plugin name and content in its
  // metadata; Keras writes the model config as tag "keras", plugin "graph_keras_model".
  void add_text_tensor(const std::string& tag, const std::string& text,
                       const std::string& plugin_name, const std::string& plugin_content,
                       int64_t step);
  // Writes the buffered records to the OS; throws IoError on a failed write.
  void flush();
  // Flushes and closes the file (also done by the destructor, which never throws).
  void close();
  // The file's path.
  const std::string& path() const { return path_; }

 private:
  // Frames one serialized Event and writes it.
  void write_record(const std::string& event);
  // An Event with wall_time, step and one Summary.Value (already encoded).
  void write_summary_value(const std::string& value, int64_t step);

  std::string path_;
  std::FILE* file_ = nullptr;
};

// One record's Event fields that matter to the tests and tools: a summary value's tag and
// either its simple_value or the count of its histogram.
struct EventValue {
  double wall_time = 0.0;
  int64_t step = 0;
  std::string file_version;  // set on the first event
  std::string tag;           // empty: no summary value
  double simple_value = 0.0;
  bool has_simple_value = false;
  double histogram_num = 0.0;
  bool has_histogram = false;
};

// The payloads of every record of an event file, each length and data CRC checked. Throws
// IoError when the file cannot be read and FormatError naming the file and byte offset for a
// truncated record or a CRC mismatch:
//   FormatError: read_event_file "events.out.tfevents...": record at byte 48: data CRC is
//     0x1234abcd, expected 0x89ab0001.
std::vector<std::string> read_event_records(const std::string& path);

// read_event_records, each record decoded (one EventValue per Summary.Value, or one per
// event without a summary). Throws FormatError for a record that is not a valid Event.
std::vector<EventValue> read_event_values(const std::string& path);

}  // namespace mz::io
