// read_idx and the MNIST loaders on files the tests craft byte by byte (every element type,
// gzip, truncation at many offsets, hostile headers), and on Debian's Fashion-MNIST if present.
#include "mz/io/idx.h"

#include <bit>
#include <cstring>
#include <filesystem>

#include "mz/io/test_files.h"
#include "testing.h"

namespace mz::io {
namespace {

using mz::testing::Bytes;
using mz::testing::put_be;
using mz::testing::TempDir;
using mz::testing::write_bytes;

// An IDX file: header for `dims` of type `code`, then `data` (already big-endian).
Bytes idx(uint8_t code, const std::vector<uint32_t>& dims, const Bytes& data) {
  Bytes b = {0, 0, code, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) put_be(b, d, 4);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

Bytes u8_data(int n) {
  Bytes d;
  for (int i = 0; i < n; ++i) d.push_back(static_cast<uint8_t>(i * 11 + 3));
  return d;
}

TEST(ReadIdx, ReadsUint8) {
  TempDir dir;
  write_bytes(dir.file("a"), idx(0x08, {2, 3, 4}, u8_data(24)));
  Tensor t = read_idx(dir.file("a"));
  EXPECT_EQ(t.dtype(), DType::u8);
  EXPECT_EQ(t.shape(), Shape({2, 3, 4}));
  std::vector<uint8_t> v = t.to_vector<uint8_t>();
  EXPECT_EQ(v, u8_data(24));
}

TEST(ReadIdx, ReadsEveryElementTypeBigEndian) {
  TempDir dir;
  // int8: -3, 5.
  write_bytes(dir.file("i8"), idx(0x09, {2}, {0xfd, 0x05}));
  EXPECT_EQ(read_idx(dir.file("i8")).to_vector<int32_t>(), (std::vector<int32_t>{-3, 5}));
  // int16: -2, 300.
  write_bytes(dir.file("i16"), idx(0x0B, {2}, {0xff, 0xfe, 0x01, 0x2c}));
  Tensor i16 = read_idx(dir.file("i16"));
  EXPECT_EQ(i16.dtype(), DType::i32);
  EXPECT_EQ(i16.to_vector<int32_t>(), (std::vector<int32_t>{-2, 300}));
  // int32: -70000, 2049.
  Bytes d32;
  put_be(d32, static_cast<uint32_t>(-70000), 4);
  put_be(d32, 2049, 4);
  write_bytes(dir.file("i32"), idx(0x0C, {1, 2}, d32));
  Tensor i32 = read_idx(dir.file("i32"));
  EXPECT_EQ(i32.shape(), Shape({1, 2}));
  EXPECT_EQ(i32.to_vector<int32_t>(), (std::vector<int32_t>{-70000, 2049}));
  // float32: 1.5, -0.25.
  Bytes df;
  put_be(df, std::bit_cast<uint32_t>(1.5f), 4);
  put_be(df, std::bit_cast<uint32_t>(-0.25f), 4);
  write_bytes(dir.file("f32"), idx(0x0D, {2}, df));
  Tensor f32 = read_idx(dir.file("f32"));
  EXPECT_EQ(f32.dtype(), DType::f32);
  EXPECT_EQ(f32.to_vector<float>(), (std::vector<float>{1.5f, -0.25f}));
  // float64: pi.
  Bytes dd;
  put_be(dd, std::bit_cast<uint64_t>(3.141592653589793), 8);
  write_bytes(dir.file("f64"), idx(0x0E, {1}, dd));
  Tensor f64 = read_idx(dir.file("f64"));
  EXPECT_EQ(f64.dtype(), DType::f64);
  EXPECT_EQ(f64.item<double>(), 3.141592653589793);
}

TEST(ReadIdx, ReadsZeroDimensionsAndZeroSize) {
  TempDir dir;
  write_bytes(dir.file("scalar"), idx(0x08, {}, {42}));
  Tensor s = read_idx(dir.file("scalar"));
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(s.item<int>(), 42);
  write_bytes(dir.file("empty"), idx(0x0D, {0, 5}, {}));
  EXPECT_EQ(read_idx(dir.file("empty")).shape(), Shape({0, 5}));
}

TEST(ReadIdx, TruncatedFileNamesTheOffset) {
  TempDir dir;
  Bytes full = idx(0x08, {3, 4}, u8_data(12));  // 12-byte header + 12 bytes
  const std::string path = dir.file("train-images-idx3-ubyte");
  for (std::size_t cut : {0, 2, 3}) {
    write_bytes(path, Bytes(full.begin(), full.begin() + cut));
    MZ_EXPECT_THROW_MSG(read_idx(path), FormatError,
                        str("read_idx \"", path, "\": file ends at byte ", cut,
                            ", but an IDX header needs at least 4 bytes."));
  }
  for (std::size_t cut : {5, 8, 11}) {  // inside the dims
    write_bytes(path, Bytes(full.begin(), full.begin() + cut));
    MZ_EXPECT_THROW_MSG(read_idx(path), FormatError,
                        str("file ends at byte ", cut, ", header promises 12."));
  }
  for (std::size_t cut : {12, 13, 20, 23}) {  // inside the data
    write_bytes(path, Bytes(full.begin(), full.begin() + cut));
    MZ_EXPECT_THROW_MSG(
        read_idx(path), FormatError,
        str("read_idx \"", path, "\": file ends at byte ", cut, ", header promises 24."));
  }
}

TEST(ReadIdx, RejectsExtraBytesAndBadMagic) {
  TempDir dir;
  Bytes b = idx(0x08, {2}, {1, 2});
  b.push_back(9);
  write_bytes(dir.file("extra"), b);
  MZ_EXPECT_THROW_MSG(read_idx(dir.file("extra")), FormatError,
                      "file is 11 bytes, but its header (dims (2,) of uint8) promises 10.");
  write_bytes(dir.file("zip"), {0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0});
  MZ_EXPECT_THROW_MSG(read_idx(dir.file("zip")), FormatError,
                      "bad magic at byte 0: expected 00 00 <type 08, 09, 0b, 0c, 0d or 0e> "
                      "<ndims 0..8>, got 50 4b 03 04.");
  write_bytes(dir.file("type"), {0, 0, 0x0a, 1, 0, 0, 0, 0});
  MZ_EXPECT_THROW_MSG(read_idx(dir.file("type")), FormatError, "got 00 00 0a 01");
}

TEST(ReadIdx, RejectsHostileHeadersBeforeAllocating) {
  TempDir dir;
  // 8 dims of 2^32 - 1: the size overflows.
  write_bytes(dir.file("overflow"), idx(0x0E, std::vector<uint32_t>(8, 0xffffffffu), {}));
  MZ_EXPECT_THROW_MSG(read_idx(dir.file("overflow")), FormatError, "the size overflows 64 bits.");
  // 1e5 x 1e5 bytes promised by a 12-byte file: refused from the file size.
  write_bytes(dir.file("huge"), idx(0x08, {100000u, 100000u}, {}));
  MZ_EXPECT_THROW_MSG(read_idx(dir.file("huge")), FormatError,
                      "file ends at byte 12, header promises 10000000012.");
  // The same promise from a small gzip file: a decompression bomb.
  write_bytes(dir.file("bomb.gz"),
              mz::testing::gzip_stored(idx(0x08, {4000000u, 4000u}, u8_data(100))));
  MZ_EXPECT_THROW_MSG(read_idx(dir.file("bomb.gz")), FormatError,
                      "refusing a likely decompression bomb.");
}

TEST(ReadIdx, MissingFileIsIoError) {
  MZ_EXPECT_THROW_MSG(read_idx("/nonexistent/train-images-idx3-ubyte"), IoError,
                      "read_idx \"/nonexistent/train-images-idx3-ubyte\": cannot open the file: "
                      "No such file or directory.");
}

// Without zlib these skip: the BackendError is checked where it is thrown.
TEST(ReadIdx, ReadsGzip) {
  TempDir dir;
  Bytes plain = idx(0x08, {2, 3, 4}, u8_data(24));
  write_bytes(dir.file("a.gz"), mz::testing::gzip_stored(plain));
  try {
    Tensor t = read_idx(dir.file("a.gz"));
    EXPECT_EQ(t.shape(), Shape({2, 3, 4}));
    EXPECT_EQ(t.to_vector<uint8_t>(), u8_data(24));
  } catch (const BackendError& e) {
    EXPECT_NE(std::string(e.what()).find("merezha was built without zlib"), std::string::npos);
    GTEST_SKIP() << "built without zlib";
  }
}

TEST(ReadIdx, TruncatedOrCorruptGzip) {
  TempDir dir;
  Bytes plain = idx(0x08, {2, 3, 4}, u8_data(24));
  Bytes gz = mz::testing::gzip_stored(plain);
  const std::string path = dir.file("a.gz");
  // Cut inside the data: 10-byte gzip header + 5-byte block header + 20 bytes.
  write_bytes(path, Bytes(gz.begin(), gz.begin() + 35));
  try {
    read_idx(path);
    ADD_FAILURE() << "a truncated gzip file was accepted";
  } catch (const BackendError&) {
    GTEST_SKIP() << "built without zlib";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("gzip stream is cut short: the decompressed data ends "
                                         "at byte 20, header promises 40."),
              std::string::npos)
        << e.what();
  }
  // Cut inside the trailer (the data is complete, the CRC is not).
  write_bytes(path, Bytes(gz.begin(), gz.end() - 3));
  MZ_EXPECT_THROW_MSG(read_idx(path), FormatError, "the file is truncated.");
  // A flipped data byte fails the CRC check.
  Bytes bad = gz;
  bad[40] ^= 0x40;  // data byte 25 of the plain file
  write_bytes(path, bad);
  MZ_EXPECT_THROW_MSG(read_idx(path), FormatError, "corrupt gzip data near decompressed byte");
  // More data than the header promises.
  Bytes longer = plain;
  longer.push_back(7);
  write_bytes(path, mz::testing::gzip_stored(longer));
  MZ_EXPECT_THROW_MSG(read_idx(path), FormatError,
                      "the decompressed data continues past byte 40, where its header (dims "
                      "(2, 3, 4) of uint8) says it ends.");
}

// Writes the four MNIST files for n_train / n_test images of 4x4 (train labels gzipped).
void write_mnist(const TempDir& dir, uint32_t n_train, uint32_t n_test, uint32_t n_test_labels) {
  auto labels = [](uint32_t n) {
    Bytes d;
    for (uint32_t i = 0; i < n; ++i) d.push_back(static_cast<uint8_t>(i % 10));
    return d;
  };
  write_bytes(dir.file("train-images-idx3-ubyte"),
              idx(0x08, {n_train, 4, 4}, u8_data(16 * n_train)));
  write_bytes(dir.file("train-labels-idx1-ubyte.gz"),
              mz::testing::gzip_stored(idx(0x08, {n_train}, labels(n_train))));
  write_bytes(dir.file("t10k-images-idx3-ubyte"), idx(0x08, {n_test, 4, 4}, u8_data(16 * n_test)));
  write_bytes(dir.file("t10k-labels-idx1-ubyte"),
              idx(0x08, {n_test_labels}, labels(n_test_labels)));
}

TEST(LoadMnist, ReadsTheFourFiles) {
  TempDir dir;
  write_mnist(dir, 5, 3, 3);
  Dataset d;
  try {
    d = load_mnist(dir.path().string());
  } catch (const BackendError&) {
    GTEST_SKIP() << "built without zlib";
  }
  EXPECT_EQ(d.x_train.shape(), Shape({5, 4, 4}));
  EXPECT_EQ(d.y_train.shape(), Shape({5}));
  EXPECT_EQ(d.x_test.shape(), Shape({3, 4, 4}));
  EXPECT_EQ(d.y_test.to_vector<uint8_t>(), (std::vector<uint8_t>{0, 1, 2}));
}

TEST(LoadMnist, CountMismatchAndMissingFiles) {
  TempDir dir;
  write_mnist(dir, 2, 3, 4);
  std::string d = dir.path().string();
  MZ_EXPECT_THROW_MSG(load_mnist(d), Error, "holds 3 images but");
  std::filesystem::remove(dir.file("t10k-labels-idx1-ubyte"));
  MZ_EXPECT_THROW_MSG(load_fashion_mnist(d), IoError,
                      str("load_fashion_mnist \"", d,
                          "\": neither t10k-labels-idx1-ubyte nor "
                          "t10k-labels-idx1-ubyte.gz is in the directory."));
}

TEST(LoadFashionMnist, DebianDatasetHasItsKnownContents) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << dir << " is absent (Debian package dataset-fashion-mnist)";
  Dataset d;
  try {
    d = load_fashion_mnist(dir);
  } catch (const BackendError&) {
    GTEST_SKIP() << "built without zlib";
  }
  EXPECT_EQ(d.x_train.shape(), Shape({60000, 28, 28}));
  EXPECT_EQ(d.y_train.shape(), Shape({60000}));
  EXPECT_EQ(d.x_test.shape(), Shape({10000, 28, 28}));
  EXPECT_EQ(d.y_test.shape(), Shape({10000}));
  EXPECT_EQ(d.x_train.dtype(), DType::u8);
  const uint8_t* labels = d.y_train.data<uint8_t>();
  EXPECT_EQ(std::vector<uint8_t>(labels, labels + 10),
            (std::vector<uint8_t>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}));
  const uint8_t* test_labels = d.y_test.data<uint8_t>();
  EXPECT_EQ(std::vector<uint8_t>(test_labels, test_labels + 10),
            (std::vector<uint8_t>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}));
  // The first image: pixel sum and FNV-1a 64 of its 784 bytes (from NumPy on the same file).
  const uint8_t* img = d.x_train.data<uint8_t>();
  uint64_t sum = 0, fnv = 0xcbf29ce484222325ull;
  for (int i = 0; i < 784; ++i) {
    sum += img[i];
    fnv = (fnv ^ img[i]) * 0x100000001b3ull;
  }
  EXPECT_EQ(sum, 76247u);
  EXPECT_EQ(fnv, 0x1fdf72590541338ull);
}

}  // namespace
}  // namespace mz::io
