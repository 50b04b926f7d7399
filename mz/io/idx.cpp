// IDX reader: checks the header against the file size (plain) or a decompression bound (gzip)
// before allocating, reads the data straight into the tensor, converts big-endian in place.
#include "mz/io/idx.h"

#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "mz/io/file.h"

#ifdef MZ_HAVE_ZLIB
#include <zlib.h>
#endif

namespace mz::io {

namespace {

using detail::who_file;

// A gzip file promising more than this many times its own size, and more than 256 MiB, is
// refused before anything is allocated (a decompression bomb; specs/reliability.md F3).
constexpr uint64_t kMaxGzipRatio = 100;
constexpr uint64_t kBombFloorBytes = uint64_t{256} << 20;

std::string hex_bytes(const uint8_t* p, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

// A byte stream over a plain file or a gzip file; read() fills as much as the stream holds
// and throws FormatError on corrupt compressed data.
class Stream {
 public:
  Stream(const std::string& path, const std::string& who) : who_(who) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError(str(who, ": cannot open the file: ", std::strerror(errno), "."));
    uint8_t magic[2] = {0, 0};
    ssize_t n = ::pread(fd_, magic, 2, 0);
    gzip_ = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (!gzip_) return;
#ifdef MZ_HAVE_ZLIB
    gz_ = gzdopen(fd_, "rb");
    if (!gz_) {
      ::close(fd_);
      throw IoError(str(who, ": cannot open the gzip stream."));
    }
    fd_ = -1;  // owned by gz_ now
    gzbuffer(gz_, 1 << 18);
#else
    ::close(fd_);
    throw BackendError(str(who,
                           ": the file is gzip-compressed, but merezha was built without "
                           "zlib: gunzip it, or install zlib1g-dev and rebuild."));
#endif
  }
  ~Stream() {
    if (fd_ >= 0) ::close(fd_);
#ifdef MZ_HAVE_ZLIB
    if (gz_) gzclose(gz_);
#endif
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  bool gzip() const { return gzip_; }
  // Bytes consumed so far (decompressed bytes for gzip).
  uint64_t offset() const { return offset_; }
  // True when the last read stopped because the compressed stream was cut short.
  bool truncated() const { return truncated_; }

  // Reads up to n bytes into dst; returns the count (less than n only at the end).
  std::size_t read(void* dst, std::size_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    std::size_t done = 0;
    while (done < n) {
      std::size_t want = std::min<std::size_t>(n - done, std::size_t{1} << 30);
      long got = gzip_ ? read_gz(out + done, want) : read_plain(out + done, want);
      if (got <= 0) break;
      done += static_cast<std::size_t>(got);
      offset_ += static_cast<uint64_t>(got);
    }
    return done;
  }

 private:
  long read_plain(uint8_t* dst, std::size_t n) {
    for (;;) {
      ssize_t got = ::read(fd_, dst, n);
      if (got >= 0) return static_cast<long>(got);
      if (errno != EINTR)
        throw IoError(
            str(who_, ": read failed at byte ", offset_, ": ", std::strerror(errno), "."));
    }
  }

  long read_gz(uint8_t* dst, std::size_t n) {
#ifdef MZ_HAVE_ZLIB
    int got = gzread(gz_, dst, static_cast<unsigned>(n));
    int err = Z_OK;
    const char* msg = gzerror(gz_, &err);
    if (err == Z_BUF_ERROR) {  // "unexpected end of file": the compressed data is cut short
      truncated_ = true;
      return got > 0 ? got : 0;
    }
    if (err == Z_ERRNO) throw IoError(str(who_, ": read failed: ", std::strerror(errno), "."));
    if (err != Z_OK)
      throw FormatError(str(who_, ": corrupt gzip data near decompressed byte ",
                            offset_ + static_cast<uint64_t>(got > 0 ? got : 0), ": ", msg, "."));
    return got;
#else
    return 0;
#endif
  }

  std::string who_;
  int fd_ = -1;
  bool gzip_ = false;
  bool truncated_ = false;
  uint64_t offset_ = 0;
#ifdef MZ_HAVE_ZLIB
  gzFile gz_ = nullptr;
#endif
};

// "file ends at byte 3" or, for gzip, "the decompressed data ends at byte 3".
std::string ends_at(const Stream& s) {
  if (!s.gzip()) return str("file ends at byte ", s.offset());
  return str(s.truncated() ? "gzip stream is cut short: " : "",
             "the decompressed data ends at byte ", s.offset());
}

// The IDX element type of a type byte.
struct IdxType {
  uint8_t code;
  const char* name;
  std::size_t size;
  DType dtype;  // what merezha stores it as
};
constexpr IdxType kIdxTypes[] = {
    {0x08, "uint8", 1, DType::u8},    {0x09, "int8", 1, DType::i32},
    {0x0B, "int16", 2, DType::i32},   {0x0C, "int32", 4, DType::i32},
    {0x0D, "float32", 4, DType::f32}, {0x0E, "float64", 8, DType::f64}};

// Converts n big-endian elements of `size` bytes in place to the host's order.
void from_big_endian(uint8_t* p, std::size_t n, std::size_t size) {
  if (std::endian::native == std::endian::big || size == 1) return;
  for (std::size_t i = 0; i < n; ++i, p += size)
    for (std::size_t a = 0, b = size - 1; a < b; ++a, --b) std::swap(p[a], p[b]);
}

// Reads exactly n bytes or throws FormatError saying where the data ends.
void read_exactly(Stream& s, void* dst, std::size_t n, uint64_t promised, const std::string& who) {
  if (s.read(dst, n) != n)
    throw FormatError(str(who, ": ", ends_at(s), ", header promises ", promised, "."));
}

Device host_device() {
  Device d = default_device();
  return d.is_host() ? d : Device::cpu();
}

}  // namespace

Tensor read_idx(const std::string& path) {
  const std::string who = who_file("read_idx", path);
  const uint64_t file_bytes = detail::file_size(path, who);
  Stream s(path, who);

  uint8_t magic[4] = {};
  std::size_t got = s.read(magic, 4);
  if (got < 4)
    throw FormatError(str(who, ": ", ends_at(s), ", but an IDX header needs at least 4 bytes."));
  const IdxType* type = nullptr;
  for (const IdxType& t : kIdxTypes)
    if (t.code == magic[2]) type = &t;
  if (magic[0] != 0 || magic[1] != 0 || type == nullptr || magic[3] > kMaxRank) {
    std::string expected = "00 00 <type 08, 09, 0b, 0c, 0d or 0e> <ndims 0..8>";
    throw FormatError(str(who, ": bad magic at byte 0: expected ", expected, ", got ",
                          hex_bytes(magic, 4), ". Is this an IDX file?"));
  }
  const int ndims = magic[3];
  const uint64_t header_bytes = 4 + 4 * static_cast<uint64_t>(ndims);
  uint8_t dims_raw[4 * kMaxRank] = {};
  read_exactly(s, dims_raw, 4 * ndims, header_bytes, who);

  // Sizes: the product of the dims times the element size, checked for overflow.
  Shape shape;
  uint64_t numel = 1;
  bool overflow = false;
  for (int i = 0; i < ndims; ++i) {
    const uint8_t* d = dims_raw + 4 * i;
    uint64_t dim = (uint64_t{d[0]} << 24) | (uint64_t{d[1]} << 16) | (uint64_t{d[2]} << 8) | d[3];
    shape.push_back(static_cast<int64_t>(dim));
    overflow |= __builtin_mul_overflow(numel, dim, &numel);
  }
  uint64_t data_bytes = 0;
  overflow |= __builtin_mul_overflow(numel, uint64_t{type->size}, &data_bytes);
  overflow |= data_bytes > (uint64_t{1} << 62);
  if (overflow)
    throw FormatError(str(who, ": header at byte 4 declares dims ", shape, " of ", type->name,
                          ": the size overflows 64 bits."));
  const uint64_t promised = header_bytes + data_bytes;

  // Check the promise against what the file can hold before allocating anything.
  if (!s.gzip() && file_bytes != promised) {
    if (file_bytes < promised)
      throw FormatError(
          str(who, ": file ends at byte ", file_bytes, ", header promises ", promised, "."));
    throw FormatError(str(who, ": file is ", file_bytes, " bytes, but its header (dims ", shape,
                          " of ", type->name, ") promises ", promised, "."));
  }
  if (s.gzip() && promised > kBombFloorBytes && promised / kMaxGzipRatio > file_bytes)
    throw FormatError(str(who, ": header promises ", promised, " bytes from ", file_bytes,
                          " compressed bytes (more than ", kMaxGzipRatio,
                          "x): refusing a likely decompression bomb."));

  const std::size_t n = static_cast<std::size_t>(numel);
  Tensor out = Tensor::empty(shape, {.dtype = type->dtype, .device = host_device()});
  if (type->size == dtype_size(type->dtype)) {
    // uint8, int32, float32, float64: read in place, then fix the byte order.
    auto* dst = static_cast<uint8_t*>(out.raw_data());
    read_exactly(s, dst, data_bytes, promised, who);
    from_big_endian(dst, n, type->size);
  } else {
    // int8 and int16 widen to int32.
    std::vector<uint8_t> raw(data_bytes);
    read_exactly(s, raw.data(), data_bytes, promised, who);
    int32_t* dst = out.data<int32_t>();
    for (std::size_t i = 0; i < n; ++i) {
      if (type->size == 1) {
        dst[i] = static_cast<int8_t>(raw[i]);
      } else {
        dst[i] = static_cast<int16_t>(static_cast<uint16_t>((raw[2 * i] << 8) | raw[2 * i + 1]));
      }
    }
  }
  if (s.gzip()) {
    uint8_t extra = 0;  // also makes zlib check the gzip trailer (CRC and length)
    if (s.read(&extra, 1) != 0)
      throw FormatError(str(who, ": the decompressed data continues past byte ", promised,
                            ", where its header (dims ", shape, " of ", type->name,
                            ") says it ends."));
    if (s.truncated())
      throw FormatError(str(who,
                            ": gzip stream is cut short after the data (its trailer is "
                            "missing): the file is truncated."));
  }
  Device want = default_device();
  return want == out.device() ? out : out.to(want);
}

namespace {

// dir/name or dir/name.gz, whichever exists.
std::string find_idx(const std::string& dir, const std::string& name, const std::string& who,
                     const char* hint) {
  namespace fs = std::filesystem;
  fs::path plain = fs::path(dir) / name;
  fs::path gz = fs::path(dir) / (name + ".gz");
  std::error_code ec;
  if (fs::exists(plain, ec)) return plain.string();
  if (fs::exists(gz, ec)) return gz.string();
  throw IoError(str(who, ": neither ", name, " nor ", name, ".gz is in the directory.", hint));
}

// Reads images (n, rows, cols) uint8 and labels (n,) uint8 and checks they agree.
void load_pair(const std::string& dir, const std::string& prefix, const std::string& who,
               const char* hint, Tensor& x, Tensor& y) {
  std::string images = find_idx(dir, prefix + "-images-idx3-ubyte", who, hint);
  std::string labels = find_idx(dir, prefix + "-labels-idx1-ubyte", who, hint);
  x = read_idx(images);
  y = read_idx(labels);
  if (x.dtype() != DType::u8 || x.rank() != 3)
    throw FormatError(str(who, ": \"", images, "\": expected uint8 images (n, rows, cols), got ",
                          x.dtype(), " ", x.shape(), "."));
  if (y.dtype() != DType::u8 || y.rank() != 1)
    throw FormatError(str(who, ": \"", labels, "\": expected uint8 labels (n,), got ", y.dtype(),
                          " ", y.shape(), "."));
  if (x.size(0) != y.size(0))
    throw FormatError(str(who, ": \"", images, "\" holds ", x.size(0), " images but \"", labels,
                          "\" holds ", y.size(0), " labels."));
}

Dataset load_four(const char* call, const std::string& dir, const char* hint) {
  const std::string who = who_file(call, dir);
  Dataset d;
  load_pair(dir, "train", who, hint, d.x_train, d.y_train);
  load_pair(dir, "t10k", who, hint, d.x_test, d.y_test);
  return d;
}

}  // namespace

Dataset load_mnist(const std::string& dir) { return load_four("load_mnist", dir, ""); }

Dataset load_fashion_mnist(const std::string& dir) {
  return load_four("load_fashion_mnist", dir,
                   " On Debian: apt-get install dataset-fashion-mnist, or pass its directory.");
}

}  // namespace mz::io
