// .npy reader and writer. The reader parses the preamble and the header's Python dict literal,
// checks the promised size against what the file holds before allocating, then reads the data
// straight into the tensor (native order, C order, same width) or converts it element by
// element (byte swap, widening, Fortran -> C order). .npz archives are zip_archive.h's.
#include "mz/io/npy.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <functional>
#include <limits>

#include "mz/io/file.h"
#include "mz/io/zip_archive.h"

namespace mz::io {

namespace detail {

// Random access to the bytes of one .npy image (a file, or a zip member in memory); read()
// throws when the bytes cannot be had.
struct NpySource {
  uint64_t size;
  std::function<void(uint64_t offset, void* dst, uint64_t n)> read;
};

namespace {

constexpr uint8_t kMagic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

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

// NumPy's name for a dtype descr kind we refuse.
std::string refused_name(char kind, int size) {
  switch (kind) {
    case 'c':
      return str("complex", size * 8);
    case 'f':
      return str("float", size * 8);
    case 'U':
      return "str (unicode)";
    case 'S':
    case 'a':
      return "bytes";
    case 'O':
      return "object (pickled Python objects)";
    case 'V':
      return "void (raw or structured records)";
    case 'M':
      return "datetime64";
    case 'm':
      return "timedelta64";
    default:
      return "unknown";
  }
}

// The element type of a descr ("<f4"), and what merezha stores it as.
struct NpyType {
  char order = '<';  // '<' little, '>' big ('|' and '=' are resolved to the host's)
  char kind = 'f';   // f i u b
  int size = 4;
  DType dtype = DType::f32;
  bool swap() const {
    return size > 1 && (order == '<') != (std::endian::native == std::endian::little);
  }
  // True when the bytes are already merezha's: f4, f8, i4, i8, u1 in the host's order.
  bool same_layout() const {
    return !swap() && std::size_t(size) == dtype_size(dtype) &&
           (kind == 'f' || kind == 'i' || (kind == 'u' && size == 1));
  }
};

// Parses the header's dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, uint64_t base, const std::string& who)
      : s_(text), base_(base), who_(who) {}

  void parse(std::string& descr, bool& fortran, Shape& shape) {
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    ws();
    expect('{');
    for (;;) {
      ws();
      if (peek() == '}') break;
      std::size_t key_at = pos_;
      std::string key = string_literal();
      ws();
      expect(':');
      ws();
      if (key == "descr") {
        if (peek() == '[')
          fail("descr is a list: structured dtypes (records with fields) are not supported");
        descr = string_literal();
        seen_descr = true;
      } else if (key == "fortran_order") {
        fortran = boolean();
        seen_fortran = true;
      } else if (key == "shape") {
        shape = tuple();
        seen_shape = true;
      } else {
        pos_ = key_at;
        fail(str("unexpected key '", key, "': expected only 'descr', 'fortran_order' and 'shape'"));
      }
      ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail(str("expected ',' or '}', got ", shown()));
    }
    ++pos_;
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' ||
                                s_[pos_] == '\t' || s_[pos_] == '\0'))
      ++pos_;
    if (pos_ != s_.size()) fail(str("unexpected ", shown(), " after the closing '}'"));
    if (!seen_descr || !seen_fortran || !seen_shape)
      fail(str("the header lacks '",
               !seen_descr     ? "descr"
               : !seen_fortran ? "fortran_order"
                               : "shape",
               "': expected the keys 'descr', 'fortran_order' and 'shape'"));
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(str(who_, ": header at byte ", base_ + pos_, ": ", what, "."));
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  std::string shown() const {
    if (pos_ >= s_.size()) return "the end of the header";
    char c = s_[pos_];
    if (c >= 32 && c < 127) return str("'", c, "'");
    return str("byte 0x", hex_bytes(reinterpret_cast<const uint8_t*>(&s_[pos_]), 1));
  }
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n')) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) fail(str("expected '", c, "', got ", shown()));
    ++pos_;
  }
  std::string string_literal() {
    char q = peek();
    if (q != '\'' && q != '"') fail(str("expected a quoted string, got ", shown()));
    std::size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != q && s_[pos_] != '\\' && s_[pos_] != '\n') ++pos_;
    if (peek() != q) fail("a string is never closed (or holds an escape, which no dtype needs)");
    return std::string(s_.substr(start, pos_++ - start));
  }
  bool boolean() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail(str("expected True or False for 'fortran_order', got ", shown()));
  }
  Shape tuple() {
    expect('(');
    Shape shape;
    for (;;) {
      ws();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9')
        fail(str("expected a dimension (0 or more), got ", shown()));
      uint64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (v > (uint64_t{1} << 58)) fail("a dimension is too large");
        v = v * 10 + static_cast<uint64_t>(s_[pos_++] - '0');
      }
      if (peek() == 'L') ++pos_;  // Python 2 longs
      if (shape.rank() == kMaxRank) fail(str("more than ", kMaxRank, " dimensions"));
      shape.push_back(static_cast<int64_t>(v));
      ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') fail(str("expected ',' or ')' in 'shape', got ", shown()));
    }
    ++pos_;
    return shape;
  }

  std::string_view s_;
  uint64_t base_;
  const std::string& who_;
  std::size_t pos_ = 0;
};

NpyType parse_descr(const std::string& descr, uint64_t at, const std::string& who) {
  auto bad = [&](const std::string& what) {
    return FormatError(str(who, ": header at byte ", at, ": descr '", descr, "' ", what, "."));
  };
  const char* supported = "f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1";
  if (descr.size() < 2) throw bad(str("is not a dtype: expected one of ", supported));
  NpyType t;
  std::size_t i = 0;
  const char native = std::endian::native == std::endian::little ? '<' : '>';
  t.order = native;  // '|', '=' and no order character
  if (descr[0] == '<' || descr[0] == '>') t.order = descr[0];
  if (std::strchr("<>|=", descr[0])) ++i;
  t.kind = descr[i++];
  std::string digits = descr.substr(i);
  const bool numeric =
      !digits.empty() && digits.size() <= 3 &&
      std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int size = numeric ? std::stoi(digits) : 0;
  t.size = size;
  auto refuse = [&]() {
    return bad(
        str("(", refused_name(t.kind, size), ") is not supported: merezha reads ", supported));
  };
  if (t.kind != '\0' && std::strchr("cUSaOVMm", t.kind)) throw refuse();
  if (!numeric) throw bad(str("is not a dtype: expected one of ", supported));
  switch (t.kind) {
    case 'f':
      if (size == 2 || size == 4)
        t.dtype = DType::f32;
      else if (size == 8)
        t.dtype = DType::f64;
      else
        throw refuse();
      break;
    case 'i':
      if (size == 1 || size == 2 || size == 4)
        t.dtype = DType::i32;
      else if (size == 8)
        t.dtype = DType::i64;
      else
        throw bad(str("is not a dtype: expected one of ", supported));
      break;
    case 'u':
      if (size == 1)
        t.dtype = DType::u8;
      else if (size == 2)
        t.dtype = DType::i32;
      else if (size == 4 || size == 8)
        t.dtype = DType::i64;
      else
        throw bad(str("is not a dtype: expected one of ", supported));
      break;
    case 'b':
      if (size != 1) throw bad(str("is not a dtype: expected one of ", supported));
      t.dtype = DType::u8;
      break;
    default:
      throw bad(str("is not a dtype: expected one of ", supported));
  }
  return t;
}

float half_to_float(uint16_t h) {
  uint32_t sign = uint32_t(h >> 15) << 31, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  uint32_t f;
  if (exp == 0) {
    if (mant == 0) {
      f = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      f = sign | (uint32_t(127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    f = sign | 0x7f800000u | (mant << 13);
  } else {
    f = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  return std::bit_cast<float>(f);
}

template <class S>
S load(const uint8_t* p, bool swap) {
  uint8_t b[sizeof(S)];
  std::memcpy(b, p, sizeof(S));
  if (swap) std::reverse(b, b + sizeof(S));
  S v;
  std::memcpy(&v, b, sizeof(S));
  return v;
}

// Converts n elements of type t at src to D at dst (same element order).
template <class D>
void convert(const uint8_t* src, D* dst, std::size_t n, const NpyType& t, const std::string& who) {
  const bool sw = t.swap();
  const std::size_t sz = static_cast<std::size_t>(t.size);
  auto each = [&](auto fn) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<D>(fn(src + i * sz));
  };
  switch (t.kind) {
    case 'b':
      each([](const uint8_t* p) { return *p != 0 ? 1 : 0; });
      return;
    case 'f':
      if (sz == 2)
        each([&](const uint8_t* p) { return half_to_float(load<uint16_t>(p, sw)); });
      else if (sz == 4)
        each([&](const uint8_t* p) { return load<float>(p, sw); });
      else
        each([&](const uint8_t* p) { return load<double>(p, sw); });
      return;
    case 'i':
      if (sz == 1)
        each([&](const uint8_t* p) { return load<int8_t>(p, sw); });
      else if (sz == 2)
        each([&](const uint8_t* p) { return load<int16_t>(p, sw); });
      else if (sz == 4)
        each([&](const uint8_t* p) { return load<int32_t>(p, sw); });
      else
        each([&](const uint8_t* p) { return load<int64_t>(p, sw); });
      return;
    default:  // 'u'
      if (sz == 1)
        each([&](const uint8_t* p) { return load<uint8_t>(p, sw); });
      else if (sz == 2)
        each([&](const uint8_t* p) { return load<uint16_t>(p, sw); });
      else if (sz == 4)
        each([&](const uint8_t* p) { return load<uint32_t>(p, sw); });
      else
        for (std::size_t i = 0; i < n; ++i) {
          uint64_t v = load<uint64_t>(src + i * sz, sw);
          if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw FormatError(str(who, ": element ", i, " is ", v,
                                  ", which does not fit int64 (merezha has no uint64)."));
          dst[i] = static_cast<D>(v);
        }
      return;
  }
}

// Copies a Fortran-order array (column-major) of `shape` into C order; elements of es bytes.
void fortran_to_c(const uint8_t* src, uint8_t* dst, const Shape& shape, std::size_t es) {
  const int r = shape.rank();
  const std::size_t n = static_cast<std::size_t>(shape.numel());
  if (n == 0) return;
  int64_t fstride[kMaxRank];
  int64_t idx[kMaxRank] = {};
  for (int k = 0, s = 1; k < r; ++k) {
    fstride[k] = s;
    s *= static_cast<int>(shape[k]);
  }
  int64_t f = 0;  // Fortran offset of the C-order element i
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(dst + i * es, src + static_cast<std::size_t>(f) * es, es);
    for (int k = r - 1; k >= 0; --k) {  // C order: the last index runs fastest
      f += fstride[k];
      if (++idx[k] < shape[k]) break;
      f -= fstride[k] * shape[k];
      idx[k] = 0;
    }
  }
}

}  // namespace

Tensor decode_npy(const NpySource& src, const std::string& who) {
  // Preamble: magic, version, header length.
  uint8_t pre[12] = {};
  std::size_t have = static_cast<std::size_t>(std::min<uint64_t>(src.size, 12));
  src.read(0, pre, have);
  if (have < 6 || std::memcmp(pre, kMagic, 6) != 0)
    throw FormatError(
        str(who, ": bad magic at byte 0: expected 93 4e 55 4d 50 59 (\"\\x93NUMPY\"),", " got ",
            have ? hex_bytes(pre, std::min<std::size_t>(have, 6)) : "nothing",
            ". Is this a .npy file?"));
  if (have < 8)
    throw FormatError(str(who, ": file ends at byte ", have, ", but the preamble needs 10 bytes."));
  const int major = pre[6], minor = pre[7];
  if (major < 1 || major > 3)
    throw FormatError(str(who, ": format version at byte 6 is ", major, ".", minor,
                          ": expected 1.0, 2.0 or 3.0."));
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (have < 8 + len_bytes)
    throw FormatError(str(who, ": file ends at byte ", have, ", but a version ", major,
                          ".0 preamble needs ", 8 + len_bytes, " bytes."));
  uint64_t header_len = major == 1 ? (pre[8] | (pre[9] << 8))
                                   : (uint64_t{pre[8]} | (uint64_t{pre[9]} << 8) |
                                      (uint64_t{pre[10]} << 16) | (uint64_t{pre[11]} << 24));
  const uint64_t data_offset = 8 + len_bytes + header_len;
  if (data_offset > src.size)
    throw FormatError(str(who, ": file ends at byte ", src.size, ", header promises ", data_offset,
                          " (a header of ", header_len, " bytes from byte ", 8 + len_bytes, ")."));
  std::string header(header_len, '\0');
  src.read(8 + len_bytes, header.data(), header_len);

  std::string descr;
  bool fortran = false;
  Shape shape;
  HeaderParser(header, 8 + len_bytes, who).parse(descr, fortran, shape);
  const NpyType type = parse_descr(descr, 8 + len_bytes, who);

  uint64_t numel = 1, data_bytes = 0;
  bool overflow = false;
  for (int64_t d : shape) overflow |= __builtin_mul_overflow(numel, uint64_t(d), &numel);
  overflow |= __builtin_mul_overflow(numel, uint64_t(type.size), &data_bytes);
  overflow |= data_bytes > (uint64_t{1} << 62);
  if (overflow)
    throw FormatError(str(who, ": header at byte ", 8 + len_bytes, " declares shape ", shape,
                          " of ", descr, ": the size overflows 64 bits."));
  const uint64_t promised = data_offset + data_bytes;
  const std::string what = str(shape, " of ", descr, " from byte ", data_offset);
  if (src.size < promised)
    throw FormatError(str(who, ": file ends at byte ", src.size, ", header promises ", promised,
                          " (", what, ")."));
  if (src.size > promised)
    throw FormatError(str(who, ": file is ", src.size, " bytes, header promises ", promised, " (",
                          what, "): ", src.size - promised, " bytes follow the data."));

  const std::size_t n = static_cast<std::size_t>(numel);
  Device dev = default_device().is_host() ? default_device() : Device::cpu();
  Tensor out = Tensor::empty(shape, {.dtype = type.dtype, .device = dev});
  auto* dst = static_cast<uint8_t*>(out.raw_data());
  const std::size_t es = dtype_size(type.dtype);
  const bool reorder = fortran && shape.rank() > 1;
  if (type.same_layout() && !reorder) {
    src.read(data_offset, dst, data_bytes);
  } else {
    std::vector<uint8_t> raw(data_bytes);
    src.read(data_offset, raw.data(), data_bytes);
    std::vector<uint8_t> converted;
    uint8_t* conv = dst;
    if (reorder) {
      converted.resize(n * es);
      conv = converted.data();
    }
    visit_dtype(type.dtype, [&](auto zero) {
      using D = decltype(zero);
      convert(raw.data(), reinterpret_cast<D*>(conv), n, type, who);
    });
    if (reorder) fortran_to_c(conv, dst, shape, es);
  }
  Device want = default_device();
  return want == out.device() ? out : out.to(want);
}

std::string npy_preamble(DType dtype, const Shape& shape) {
  const bool little = std::endian::native == std::endian::little;
  std::string descr;
  switch (dtype) {
    case DType::f32:
      descr = "f4";
      break;
    case DType::f64:
      descr = "f8";
      break;
    case DType::i32:
      descr = "i4";
      break;
    case DType::i64:
      descr = "i8";
      break;
    case DType::u8:
      descr = "u1";
      break;
  }
  descr.insert(descr.begin(), dtype == DType::u8 ? '|' : little ? '<' : '>');
  std::string dims;
  for (int i = 0; i < shape.rank(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.rank() == 1) dims += ",";
  // NumPy 1.24's _write_array_header: keys sorted, ", " after each, then spare spaces so the
  // first axis can grow to 21 digits in place, then padding to a multiple of 64 and '\n'.
  std::string header =
      str("{'descr': '", descr, "', 'fortran_order': False, 'shape': (", dims, "), }");
  if (shape.rank() > 0) header.append(21 - std::to_string(shape[0]).size(), ' ');
  // Format 1.0 always suffices: with at most 8 dims the header stays far below 65535 bytes.
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string out(reinterpret_cast<const char*>(kMagic), 6);
  out += '\x01';
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  return out + header;
}

Tensor host_contiguous(const Tensor& t) {
  if (!t.defined()) throw ValueError("write_npy: the tensor is undefined.");
  Tensor h = t.device().is_host() ? t : t.to(Device::cpu());
  return h.is_contiguous() ? h : h.contiguous();
}

}  // namespace detail

Tensor read_npy(const std::string& path) {
  const std::string who = detail::who_file("read_npy", path);
  const uint64_t size = detail::file_size(path, who);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(str(who, ": cannot open the file: ", std::strerror(errno), "."));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  detail::NpySource src{size, [&](uint64_t offset, void* dst, uint64_t n) {
                          auto* p = static_cast<uint8_t*>(dst);
                          while (n > 0) {
                            ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
                            if (got < 0 && errno == EINTR) continue;
                            if (got < 0)
                              throw IoError(str(who, ": read failed at byte ", offset, ": ",
                                                std::strerror(errno), "."));
                            if (got == 0)
                              throw FormatError(str(who, ": file ends at byte ", offset,
                                                    " while reading (did it shrink?)."));
                            p += got;
                            n -= static_cast<uint64_t>(got);
                            offset += static_cast<uint64_t>(got);
                          }
                        }};
  return detail::decode_npy(src, who);
}

void write_npy(const std::string& path, const Tensor& t) {
  const std::string who = detail::who_file("write_npy", path);
  Tensor h = detail::host_contiguous(t);
  std::string pre = detail::npy_preamble(h.dtype(), h.shape());
  std::size_t bytes = static_cast<std::size_t>(h.numel()) * dtype_size(h.dtype());
  detail::write_file_atomic(path, {{pre.data(), pre.size()}, {bytes ? h.raw_data() : "", bytes}},
                            who);
}

// ----- .npz: a zip archive of .npy members (zip_archive.h) -----

std::map<std::string, Tensor> read_npz(const std::string& path) {
  const std::string who = detail::who_file("read_npz", path);
  std::map<std::string, Tensor> out;
  for (const detail::ZipMember& m : detail::read_zip(path, who)) {
    const std::string member = str(who, ": member \"", m.name, "\"");
    if (m.name.size() < 5 || m.name.compare(m.name.size() - 4, 4, ".npy") != 0)
      throw FormatError(str(member, ": expected only .npy members in a .npz archive."));
    detail::NpySource src{m.bytes.size(), [&](uint64_t offset, void* dst, uint64_t n) {
                            std::memcpy(dst, m.bytes.data() + offset, n);
                          }};
    out.emplace(m.name.substr(0, m.name.size() - 4), detail::decode_npy(src, member));
  }
  return out;
}

void write_npz(const std::string& path, const std::map<std::string, Tensor>& arrays,
               NpzOptions options) {
  const std::string who = detail::who_file("write_npz", path);
  for (const auto& [key, t] : arrays) {
    if (key.empty() || key.find('/') != std::string::npos || key.find('\\') != std::string::npos)
      throw ValueError(
          str(who, ": array names must be non-empty and hold no '/' or '\\', got \"", key, "\"."));
  }
  // Members are built in memory, the archive too; then one atomic write.
  std::vector<detail::ZipMember> members;
  members.reserve(arrays.size());
  for (const auto& [key, t] : arrays) {
    Tensor h = detail::host_contiguous(t);
    std::string pre = detail::npy_preamble(h.dtype(), h.shape());
    std::size_t n = static_cast<std::size_t>(h.numel()) * dtype_size(h.dtype());
    std::vector<uint8_t> bytes(pre.begin(), pre.end());
    const auto* data = static_cast<const uint8_t*>(h.raw_data());
    if (n) bytes.insert(bytes.end(), data, data + n);
    members.push_back({key + ".npy", std::move(bytes)});
  }
  std::vector<uint8_t> image = detail::make_zip(members, who, options.compressed);
  detail::write_file_atomic(path, {{image.data(), image.size()}}, who);
}

}  // namespace mz::io
