// Test helpers for the io/ tests: a temporary directory per test, byte-level file writing,
// byte packing, and gzip and zip made by hand (stored data), so tests can craft any file.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mz::testing {

using Bytes = std::vector<uint8_t>;

// A fresh directory named after the running test; removed with its contents at the end.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("mz_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  // dir/name as a string.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Appends v as `n` big-endian bytes.
inline void put_be(Bytes& b, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

inline uint32_t crc32(const Bytes& data) {
  uint32_t c = 0xffffffffu;
  for (uint8_t byte : data) {
    c ^= byte;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

// A gzip file holding `data` in stored (uncompressed) deflate blocks, with CRC32 and size.
inline Bytes gzip_stored(const Bytes& data) {
  Bytes g = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  std::size_t pos = 0;
  do {
    std::size_t n = std::min<std::size_t>(data.size() - pos, 65535);
    bool last = pos + n == data.size();
    g.push_back(last ? 1 : 0);
    g.push_back(n & 0xff);
    g.push_back(n >> 8);
    g.push_back(~n & 0xff);
    g.push_back((~n >> 8) & 0xff);
    g.insert(g.end(), data.begin() + pos, data.begin() + pos + n);
    pos += n;
  } while (pos < data.size());
  uint32_t crc = crc32(data), size = static_cast<uint32_t>(data.size());
  for (int i = 0; i < 4; ++i) g.push_back((crc >> (8 * i)) & 0xff);
  for (int i = 0; i < 4; ++i) g.push_back((size >> (8 * i)) & 0xff);
  return g;
}

// Appends v as `n` little-endian bytes.
inline void put_le(Bytes& b, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// A zip archive of stored (uncompressed) members, in order; names may repeat.
inline Bytes zip_stored(const std::vector<std::pair<std::string, Bytes>>& members) {
  Bytes z, central;
  for (const auto& [name, data] : members) {
    const uint32_t crc = crc32(data), offset = static_cast<uint32_t>(z.size());
    const uint64_t n = data.size();
    auto common = [&](Bytes& b) {  // version needed .. extra length, shared by both headers
      put_le(b, 20, 2);
      put_le(b, 0, 2);     // flags
      put_le(b, 0, 2);     // method: stored
      put_le(b, 0, 2);     // time
      put_le(b, 0x21, 2);  // date: 1980-01-01
      put_le(b, crc, 4);
      put_le(b, n, 4);
      put_le(b, n, 4);
      put_le(b, name.size(), 2);
      put_le(b, 0, 2);
    };
    put_le(z, 0x04034b50, 4);
    common(z);
    z.insert(z.end(), name.begin(), name.end());
    z.insert(z.end(), data.begin(), data.end());
    put_le(central, 0x02014b50, 4);
    put_le(central, 20, 2);  // version made by
    common(central);
    put_le(central, 0, 2);  // comment length
    put_le(central, 0, 2);  // disk
    put_le(central, 0, 2);  // internal attributes
    put_le(central, 0, 4);  // external attributes
    put_le(central, offset, 4);
    central.insert(central.end(), name.begin(), name.end());
  }
  const uint32_t cd_offset = static_cast<uint32_t>(z.size());
  z.insert(z.end(), central.begin(), central.end());
  put_le(z, 0x06054b50, 4);
  put_le(z, 0, 2);
  put_le(z, 0, 2);
  put_le(z, members.size(), 2);
  put_le(z, members.size(), 2);
  put_le(z, central.size(), 4);
  put_le(z, cd_offset, 4);
  put_le(z, 0, 2);
  return z;
}

}  // namespace mz::testing
