// TensorBoard event files: CRC-32C, protobuf wire encoding of Event/Summary/HistogramProto by
// field number (mz/io/proto/tensorboard_event.proto), TFRecord framing, and the reader.
#include "mz/io/tensorboard_events.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "mz/core/error.h"
#include "mz/io/file.h"

namespace mz::io {

namespace {

// The byte-wise CRC-32C table (reflected polynomial 0x82F63B78).
const std::array<uint32_t, 256>& crc_table() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

// ----- protobuf wire format (varint 0, fixed64 1, length-delimited 2, fixed32 5) -----

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void put_key(std::string& out, int field, int wire) {
  put_varint(out, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire));
}
template <class T>
void put_le(std::string& out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // little-endian hosts (x86-64, arm64)
  out.append(bytes, sizeof(T));
}
void put_double(std::string& out, int field, double v) {
  put_key(out, field, 1);
  put_le(out, v);
}
void put_float(std::string& out, int field, float v) {
  put_key(out, field, 5);
  put_le(out, v);
}
void put_int(std::string& out, int field, int64_t v) {
  put_key(out, field, 0);
  put_varint(out, static_cast<uint64_t>(v));
}
void put_bytes(std::string& out, int field, const std::string& bytes) {
  put_key(out, field, 2);
  put_varint(out, bytes.size());
  out += bytes;
}
void put_packed_doubles(std::string& out, int field, const std::vector<double>& v) {
  std::string packed;
  for (double d : v) put_le(packed, d);
  put_bytes(out, field, packed);
}

double wall_time() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Reads the protobuf fields of a message; FormatError (via `fail`) on malformed bytes.
class WireReader {
 public:
  WireReader(const std::string& data, std::string who) : d_(data), who_(std::move(who)) {}
  bool done() const { return pos_ >= d_.size(); }
  // The next key: field number and wire type.
  void key(int& field, int& wire) {
    uint64_t k = varint();
    field = static_cast<int>(k >> 3);
    wire = static_cast<int>(k & 7);
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= d_.size()) fail("a varint runs past the end");
      const auto b = static_cast<uint8_t>(d_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    fail("a varint is longer than 10 bytes");
  }
  template <class T>
  T fixed() {
    if (d_.size() - pos_ < sizeof(T)) fail("a fixed-size field runs past the end");
    T v;
    std::memcpy(&v, d_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string bytes() {
    uint64_t n = varint();
    if (n > d_.size() - pos_) fail("a length-delimited field runs past the end");
    std::string s = d_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void skip(int wire) {
    if (wire == 0)
      varint();
    else if (wire == 1)
      fixed<uint64_t>();
    else if (wire == 2)
      bytes();
    else if (wire == 5)
      fixed<uint32_t>();
    else
      fail(str("unknown wire type ", wire));
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(str(who_, ": ", what, ": expected a valid Event protobuf."));
  }

 private:
  const std::string& d_;
  std::string who_;
  std::size_t pos_ = 0;
};

}  // namespace

uint32_t crc32c(const void* data, std::size_t size) {
  const auto& t = crc_table();
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) c = t[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

uint32_t masked_crc32c(const void* data, std::size_t size) {
  const uint32_t c = crc32c(data, size);
  return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

// ----- writer -----

EventFileWriter::EventFileWriter(const std::string& log_dir) {
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  if (ec)
    throw IoError(
        str("TensorBoard \"", log_dir, "\": cannot create the directory: ", ec.message(), "."));
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::strcpy(host, "localhost");
  const auto secs = static_cast<int64_t>(wall_time());
  const std::string base =
      (std::filesystem::path(log_dir) / str("events.out.tfevents.", secs, ".", host)).string();
  path_ = base;
  for (int n = 1; std::filesystem::exists(path_); ++n) path_ = str(base, ".", n);
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_)
    throw IoError(
        str("TensorBoard \"", path_, "\": cannot open the file: ", std::strerror(errno), "."));
  std::string event;
  put_double(event, 1, wall_time());
  put_bytes(event, 3, "brain.Event:2");
  write_record(event);
  flush();
}

EventFileWriter::~EventFileWriter() {
  if (file_) std::fclose(file_);
}

void EventFileWriter::write_record(const std::string& event) {
  if (!file_) throw IoError(str("TensorBoard \"", path_, "\": the file is closed."));
  std::string rec;
  const uint64_t len = event.size();
  put_le(rec, len);
  put_le(rec, masked_crc32c(rec.data(), 8));
  rec += event;
  put_le(rec, masked_crc32c(event.data(), event.size()));
  if (std::fwrite(rec.data(), 1, rec.size(), file_) != rec.size())
    throw IoError(str("TensorBoard \"", path_, "\": write failed: ", std::strerror(errno), "."));
}

void EventFileWriter::write_summary_value(const std::string& value, int64_t step) {
  std::string summary, event;
  put_bytes(summary, 1, value);
  put_double(event, 1, wall_time());
  if (step != 0) put_int(event, 2, step);  // proto3 leaves step 0 out
  put_bytes(event, 5, summary);
  write_record(event);
}

void EventFileWriter::add_scalar(const std::string& tag, double value, int64_t step) {
  std::string v;
  put_bytes(v, 1, tag);
  put_float(v, 2, static_cast<float>(value));
  write_summary_value(v, step);
}

void EventFileWriter::add_histogram(const std::string& tag, const std::vector<double>& values,
                                    int64_t step, int buckets) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0, sum2 = 0;
  for (double x : values) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    sum += x;
    sum2 += x * x;
  }
  if (values.empty()) lo = hi = 0;
  buckets = std::max(buckets, 1);
  std::vector<double> limits(buckets), counts(buckets, 0.0);
  const double width = hi > lo ? (hi - lo) / buckets : 1.0;
  for (int i = 0; i < buckets; ++i) limits[i] = lo + width * (i + 1);
  limits.back() = hi > lo ? hi : lo + 1.0;
  for (double x : values) {
    int i = hi > lo ? static_cast<int>((x - lo) / width) : 0;
    counts[std::clamp(i, 0, buckets - 1)] += 1.0;
  }
  std::string h, v;
  put_double(h, 1, lo);
  put_double(h, 2, hi);
  put_double(h, 3, static_cast<double>(values.size()));
  put_double(h, 4, sum);
  put_double(h, 5, sum2);
  put_packed_doubles(h, 6, limits);
  put_packed_doubles(h, 7, counts);
  put_bytes(v, 1, tag);
  put_bytes(v, 5, h);
  write_summary_value(v, step);
}

void EventFileWriter::add_text_tensor(const std::string& tag, const std::string& text,
                                      const std::string& plugin_name,
                                      const std::string& plugin_content, int64_t step) {
  std::string plugin, metadata, tensor, v;
  put_bytes(plugin, 1, plugin_name);
  put_bytes(plugin, 2, plugin_content);
  put_bytes(metadata, 1, plugin);
  put_int(tensor, 1, 7);       // dtype DT_STRING
  put_bytes(tensor, 2, "");    // tensor_shape: a scalar
  put_bytes(tensor, 8, text);  // string_val
  put_bytes(v, 1, tag);
  put_bytes(v, 8, tensor);
  put_bytes(v, 9, metadata);
  write_summary_value(v, step);
}

void EventFileWriter::flush() {
  if (file_ && std::fflush(file_) != 0)
    throw IoError(str("TensorBoard \"", path_, "\": flush failed: ", std::strerror(errno), "."));
}

void EventFileWriter::close() {
  if (!file_) return;
  flush();
  std::fclose(file_);
  file_ = nullptr;
}

// ----- reader -----

std::vector<std::string> read_event_records(const std::string& path) {
  const std::string who = detail::who_file("read_event_file", path);
  const std::vector<uint8_t> bytes = detail::read_file(path, who);
  std::vector<std::string> records;
  std::size_t pos = 0;
  auto u32 = [&](std::size_t at) {
    uint32_t v;
    std::memcpy(&v, bytes.data() + at, 4);
    return v;
  };
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 12)
      throw FormatError(str(who, ": record at byte ", pos,
                            ": the file ends inside its header: "
                            "expected 12 bytes, got ",
                            bytes.size() - pos, "."));
    uint64_t len;
    std::memcpy(&len, bytes.data() + pos, 8);
    const uint32_t len_crc = masked_crc32c(bytes.data() + pos, 8);
    if (u32(pos + 8) != len_crc)
      throw FormatError(str(who, ": record at byte ", pos, ": length CRC is 0x", std::hex,
                            u32(pos + 8), ", expected 0x", len_crc, "."));
    if (len > bytes.size() - pos - 12 || bytes.size() - pos - 12 - len < 4)
      throw FormatError(str(who, ": record at byte ", pos,
                            ": the file ends inside the record: "
                            "expected ",
                            len + 16, " bytes, got ", bytes.size() - pos, "."));
    const uint8_t* data = bytes.data() + pos + 12;
    const uint32_t data_crc = masked_crc32c(data, len);
    if (u32(pos + 12 + len) != data_crc)
      throw FormatError(str(who, ": record at byte ", pos, ": data CRC is 0x", std::hex,
                            u32(pos + 12 + len), ", expected 0x", data_crc, "."));
    records.emplace_back(reinterpret_cast<const char*>(data), len);
    pos += 16 + len;
  }
  return records;
}

std::vector<EventValue> read_event_values(const std::string& path) {
  const std::string who = detail::who_file("read_event_file", path);
  std::vector<EventValue> out;
  for (const std::string& rec : read_event_records(path)) {
    EventValue ev;
    std::vector<std::string> values;
    WireReader r(rec, who);
    int field, wire;
    while (!r.done()) {
      r.key(field, wire);
      if (field == 1 && wire == 1)
        ev.wall_time = r.fixed<double>();
      else if (field == 2 && wire == 0)
        ev.step = static_cast<int64_t>(r.varint());
      else if (field == 3 && wire == 2)
        ev.file_version = r.bytes();
      else if (field == 5 && wire == 2) {
        std::string summary = r.bytes();
        WireReader s(summary, who);
        while (!s.done()) {
          s.key(field, wire);
          if (field == 1 && wire == 2)
            values.push_back(s.bytes());
          else
            s.skip(wire);
        }
      } else {
        r.skip(wire);
      }
    }
    if (values.empty()) out.push_back(ev);
    for (const std::string& value : values) {
      EventValue e = ev;
      WireReader v(value, who);
      while (!v.done()) {
        v.key(field, wire);
        if (field == 1 && wire == 2) {
          e.tag = v.bytes();
        } else if (field == 2 && wire == 5) {
          e.simple_value = v.fixed<float>();
          e.has_simple_value = true;
        } else if (field == 5 && wire == 2) {
          std::string h = v.bytes();
          WireReader hr(h, who);
          e.has_histogram = true;
          while (!hr.done()) {
            hr.key(field, wire);
            if (field == 3 && wire == 1)
              e.histogram_num = hr.fixed<double>();
            else
              hr.skip(wire);
          }
        } else {
          v.skip(wire);
        }
      }
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace mz::io
