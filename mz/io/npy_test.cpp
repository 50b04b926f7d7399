// read_npy / write_npy / read_npz / write_npz: NumPy-written goldens read bitwise, our files
// equal NumPy's byte for byte, hand-made files for every header path, truncation, corruption.
#include "mz/io/npy.h"

#include <bit>
#include <cstring>

#include "mz/io/test_files.h"
#include "mz/ops/creation.h"
#include "testing.h"

namespace mz::io {
namespace {

using mz::testing::Bytes;
using mz::testing::put_be;
using mz::testing::put_le;
using mz::testing::read_bytes;
using mz::testing::TempDir;
using mz::testing::write_bytes;

std::string golden(const std::string& name) { return std::string(MZ_GOLDEN_DIR) + "/npy/" + name; }

// tools/golden/npy_files.py's formulas, element i in C order.
template <class T>
std::vector<T> floats(int n) {
  std::vector<T> v;
  for (int i = 0; i < n; ++i) v.push_back(static_cast<T>(i * 0.37 - 1.5));
  return v;
}
template <class Narrow, class Wide = Narrow>
std::vector<Wide> ints(int n) {
  std::vector<Wide> v;
  for (int i = 0; i < n; ++i) v.push_back(static_cast<Wide>(static_cast<Narrow>(i * 7 - 20)));
  return v;
}

// Bitwise equality of dtype, shape and every byte of the data.
template <class T>
::testing::AssertionResult same_bits(const Tensor& t, const Shape& shape, const std::vector<T>& v) {
  if (t.dtype() != dtype_of<T>)
    return ::testing::AssertionFailure() << "dtype " << t.dtype() << ", expected " << dtype_of<T>;
  if (!(t.shape() == shape))
    return ::testing::AssertionFailure() << "shape " << t.shape() << ", expected " << shape;
  if (!v.empty() && std::memcmp(t.contiguous().raw_data(), v.data(), v.size() * sizeof(T)) != 0)
    return ::testing::AssertionFailure() << "values differ: " << t;
  return ::testing::AssertionSuccess();
}

TEST(ReadNpy, NumPyGoldensBothByteOrders) {
  EXPECT_TRUE(same_bits(read_npy(golden("f4_2x3.npy")), {2, 3}, floats<float>(6)));
  EXPECT_TRUE(same_bits(read_npy(golden("f4_be_2x3.npy")), {2, 3}, floats<float>(6)));
  EXPECT_TRUE(same_bits(read_npy(golden("f8_be_3x2.npy")), {3, 2}, floats<double>(6)));
  EXPECT_TRUE(same_bits(read_npy(golden("i8_4.npy")), {4}, ints<int64_t>(4)));
  EXPECT_TRUE(same_bits(read_npy(golden("i8_be_4.npy")), {4}, ints<int64_t>(4)));
  EXPECT_TRUE(same_bits(read_npy(golden("u1_2x2.npy")), {2, 2}, ints<uint8_t>(4)));
}

TEST(ReadNpy, NumPyGoldensFortranOrder) {
  EXPECT_TRUE(same_bits(read_npy(golden("i4_fortran_2x3x4.npy")), {2, 3, 4}, ints<int32_t>(24)));
  EXPECT_TRUE(same_bits(read_npy(golden("f8_fortran_be_3x5.npy")), {3, 5}, floats<double>(15)));
}

TEST(ReadNpy, NumPyGoldensConvertedDtypes) {
  EXPECT_TRUE(same_bits(read_npy(golden("b1_5.npy")), {5}, std::vector<uint8_t>{1, 0, 1, 1, 0}));
  EXPECT_TRUE(same_bits(read_npy(golden("i1_6.npy")), {6}, ints<int8_t, int32_t>(6)));
  EXPECT_TRUE(same_bits(read_npy(golden("i2_be_6.npy")), {6}, ints<int16_t, int32_t>(6)));
  std::vector<int32_t> u2;
  std::vector<int64_t> u4, u8;
  std::vector<float> f2;
  for (int i = 0; i < 6; ++i) {
    u2.push_back(i * 9000);
    u4.push_back(int64_t{i} * 800000000);
    u8.push_back(int64_t{i} * 1000000000000000);
    f2.push_back(static_cast<float>(i * 0.25 - 1));
  }
  EXPECT_TRUE(same_bits(read_npy(golden("u2_6.npy")), {6}, u2));
  EXPECT_TRUE(same_bits(read_npy(golden("u4_6.npy")), {6}, u4));
  EXPECT_TRUE(same_bits(read_npy(golden("u8_6.npy")), {6}, u8));
  EXPECT_TRUE(same_bits(read_npy(golden("f2_6.npy")), {6}, f2));
}

TEST(ReadNpy, NumPyGoldensSpecialValuesScalarsEmptyAndVersions) {
  std::vector<uint32_t> bits = {0x80000000u, 0x7f800000u, 0xff800000u,
                                0x7fc00000u, 0x00000001u, 0x7f7fffffu};
  std::vector<float> special;
  for (uint32_t b : bits) special.push_back(std::bit_cast<float>(b));
  EXPECT_TRUE(same_bits(read_npy(golden("f4_special.npy")), {6}, special));
  EXPECT_TRUE(same_bits(read_npy(golden("f8_scalar.npy")), {}, std::vector<double>{2.75}));
  EXPECT_TRUE(same_bits(read_npy(golden("i8_empty_0x3.npy")), {0, 3}, std::vector<int64_t>{}));
  EXPECT_TRUE(same_bits(read_npy(golden("f4_v2_2x3.npy")), {2, 3}, floats<float>(6)));
  EXPECT_TRUE(same_bits(read_npy(golden("f4_v3_2x3.npy")), {2, 3}, floats<float>(6)));
}

TEST(ReadNpy, RefusesUnsupportedDtypesByName) {
  MZ_EXPECT_THROW_MSG(read_npy(golden("c8_2.npy")), FormatError,
                      "header at byte 10: descr '<c8' (complex64) is not supported: merezha "
                      "reads f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1.");
  MZ_EXPECT_THROW_MSG(read_npy(golden("U3_2.npy")), FormatError,
                      "descr '<U3' (str (unicode)) is not supported");
}

TEST(WriteNpy, WritesTheBytesNumPyWrites) {
  TempDir dir;
  auto check = [&](const Tensor& t, const std::string& name) {
    write_npy(dir.file(name), t);
    EXPECT_EQ(read_bytes(dir.file(name)), read_bytes(golden(name))) << name;
  };
  check(tensor(floats<float>(6), {2, 3}), "f4_2x3.npy");
  check(tensor(ints<int64_t>(4), {4}), "i8_4.npy");
  check(tensor(ints<uint8_t>(4), {2, 2}), "u1_2x2.npy");
  check(tensor(std::vector<double>{2.75}, Shape{}), "f8_scalar.npy");
  check(tensor(std::vector<int64_t>{}, {0, 3}), "i8_empty_0x3.npy");
}

TEST(WriteNpy, RoundTripsEveryDtypeAndNonContiguousInput) {
  TempDir dir;
  const std::string path = dir.file("t.npy");
  std::vector<Tensor> ts = {tensor(floats<float>(12), {3, 4}), tensor(floats<double>(5), {5}),
                            tensor(ints<int32_t>(8), {2, 2, 2}), tensor(ints<int64_t>(3), {3, 1}),
                            tensor(ints<uint8_t>(6), {6})};
  for (const Tensor& t : ts) {
    write_npy(path, t);
    Tensor back = read_npy(path);
    EXPECT_EQ(back.dtype(), t.dtype());
    EXPECT_TRUE(mz::testing::all_equal(back, t));
  }
  Tensor tt = tensor(floats<float>(6), {2, 3}).transpose(0, 1);  // (3, 2), not contiguous
  write_npy(path, tt);
  EXPECT_TRUE(mz::testing::all_equal(read_npy(path), tt));
  EXPECT_EQ(read_bytes(path)[6], 1);  // format 1.0
}

// A .npy image: preamble of `major`, the dict padded to 64 bytes, then data.
Bytes npy(int major, const std::string& dict, const Bytes& data) {
  Bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  std::size_t pre = major == 1 ? 10 : 12;
  std::string h = dict;
  h.append(63 - (pre + h.size()) % 64, ' ');
  h += '\n';
  put_le(b, h.size(), major == 1 ? 2 : 4);
  b.insert(b.end(), h.begin(), h.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::string dict(const std::string& descr, bool fortran, const std::string& shape) {
  return str("{'descr': '", descr, "', 'fortran_order': ", fortran ? "True" : "False",
             ", 'shape': ", shape, ", }");
}

TEST(ReadNpy, HandMadeByteOrdersOrdersAndVersions) {
  TempDir dir;
  const std::string path = dir.file("h.npy");
  // (2, 3) int32 values 0..5 in Fortran order, big-endian: columns first.
  Bytes f_be;
  for (int v : {0, 3, 1, 4, 2, 5}) put_be(f_be, static_cast<uint32_t>(v), 4);
  write_bytes(path, npy(2, dict(">i4", true, "(2, 3)"), f_be));
  EXPECT_TRUE(same_bits(read_npy(path), {2, 3}, std::vector<int32_t>{0, 1, 2, 3, 4, 5}));
  // The same in C order, little-endian, version 1, double-quoted keys, no trailing comma.
  Bytes c_le;
  for (int v = 0; v < 6; ++v) put_le(c_le, static_cast<uint32_t>(v), 4);
  write_bytes(path,
              npy(1, "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2,3)}", c_le));
  EXPECT_TRUE(same_bits(read_npy(path), {2, 3}, std::vector<int32_t>{0, 1, 2, 3, 4, 5}));
  // 0-d big-endian float64, and a 0-size big-endian float32.
  Bytes d;
  put_be(d, std::bit_cast<uint64_t>(-6.5), 8);
  write_bytes(path, npy(1, dict(">f8", false, "()"), d));
  EXPECT_TRUE(same_bits(read_npy(path), {}, std::vector<double>{-6.5}));
  write_bytes(path, npy(1, dict(">f4", true, "(0, 4)"), {}));
  EXPECT_TRUE(same_bits(read_npy(path), {0, 4}, std::vector<float>{}));
  // Fortran order in 1-D is plain.
  write_bytes(path, npy(1, dict("|u1", true, "(3,)"), {7, 8, 9}));
  EXPECT_TRUE(same_bits(read_npy(path), {3}, std::vector<uint8_t>{7, 8, 9}));
}

TEST(ReadNpy, TruncatedAtEveryOffsetNamesTheByte) {
  TempDir dir;
  const std::string path = dir.file("w.npy");
  Bytes full = read_bytes(golden("f4_2x3.npy"));  // 128-byte preamble + 24 bytes
  ASSERT_EQ(full.size(), 152u);
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    write_bytes(path, Bytes(full.begin(), full.begin() + cut));
    try {
      read_npy(path);
      ADD_FAILURE() << "accepted a file cut at byte " << cut;
    } catch (const FormatError& e) {
      std::string m = e.what();
      EXPECT_EQ(m.rfind(str("read_npy \"", path, "\": "), 0), 0u) << m;
      if (cut >= 6) {
        EXPECT_NE(m.find(str("file ends at byte ", cut)), std::string::npos) << m;
      }
    }
  }
  write_bytes(path, Bytes(full.begin(), full.begin() + 140));
  MZ_EXPECT_THROW_MSG(read_npy(path), FormatError,
                      "file ends at byte 140, header promises 152 ((2, 3) of <f4 from byte 128).");
  write_bytes(path, Bytes(full.begin(), full.begin() + 50));
  MZ_EXPECT_THROW_MSG(read_npy(path), FormatError,
                      "file ends at byte 50, header promises 128 (a header of 118 bytes from "
                      "byte 10).");
  Bytes longer = full;
  longer.push_back(0);
  write_bytes(path, longer);
  MZ_EXPECT_THROW_MSG(read_npy(path), FormatError, "1 bytes follow the data.");
}

TEST(ReadNpy, CorruptHeaders) {
  TempDir dir;
  const std::string path = dir.file("c.npy");
  auto expect = [&](const Bytes& bytes, const std::string& text) {
    write_bytes(path, bytes);
    MZ_EXPECT_THROW_MSG(read_npy(path), FormatError, text);
  };
  expect(
      {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0},
      "bad magic at byte 0: expected 93 4e 55 4d 50 59 (\"\\x93NUMPY\"), got 50 4b 03 04 00 00.");
  Bytes v4 = npy(1, dict("<f4", false, "(1,)"), {0, 0, 0, 0});
  v4[6] = 4;
  expect(v4, "format version at byte 6 is 4.0: expected 1.0, 2.0 or 3.0.");
  expect(npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", {}),
         "header at byte 20: descr is a list: structured dtypes (records with fields) are not "
         "supported.");
  expect(npy(1, "{'descr': '<f4', 'shape': (1,), }", {0, 0, 0, 0}),
         "the header lacks 'fortran_order'");
  expect(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", {}),
         "unexpected key 'x': expected only 'descr', 'fortran_order' and 'shape'.");
  expect(npy(1, "{'descr': '<f4', 'fortran_order': Flase, 'shape': (1,), }", {}),
         "expected True or False for 'fortran_order', got 'F'.");
  expect(npy(1, dict("<f4", false, "(-1,)"), {}), "expected a dimension (0 or more), got '-'.");
  expect(npy(1, dict("|O", false, "(1,)"), {}),
         "descr '|O' (object (pickled Python objects)) is not supported");
  expect(npy(1, dict("<q9", false, "(1,)"), {}), "descr '<q9' is not a dtype");
  expect(npy(1, dict("<f4", false, "(4294967295, 4294967295, 4294967295)"), {}),
         "the size overflows 64 bits.");
  // A hostile shape promising terabytes from a tiny file fails on the size check.
  expect(npy(1, dict("<f8", false, "(1000000, 1000000)"), {}),
         "file ends at byte 128, header promises 8000000000128");
  Bytes u8 = npy(1, dict("<u8", false, "(1,)"), {});
  put_le(u8, ~uint64_t{0}, 8);
  expect(u8, "element 0 is 18446744073709551615, which does not fit int64");
}

TEST(ReadNpy, MissingFileIsIoError) {
  MZ_EXPECT_THROW_MSG(read_npy("/nonexistent/w.npy"), IoError,
                      "read_npy \"/nonexistent/w.npy\": cannot open the file: No such file or "
                      "directory.");
}

TEST(ReadNpz, NumPyGoldensStoredAndDeflated) {
  std::map<std::string, Tensor> stored;
  try {
    stored = read_npz(golden("stored.npz"));
  } catch (const BackendError& e) {
    EXPECT_NE(std::string(e.what()).find("merezha was built without libzip"), std::string::npos);
    GTEST_SKIP() << "built without libzip";
  }
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_TRUE(same_bits(stored["a"], {2, 3}, floats<float>(6)));
  EXPECT_TRUE(same_bits(stored["b"], {4}, ints<int64_t>(4)));
  std::map<std::string, Tensor> deflated = read_npz(golden("deflated.npz"));
  ASSERT_EQ(deflated.size(), 2u);
  EXPECT_TRUE(same_bits(deflated["arr_0"], {3, 2}, floats<double>(6)));
  EXPECT_TRUE(same_bits(deflated["arr_1"], {2, 2}, ints<uint8_t>(4)));
}

TEST(WriteNpz, RoundTripsStoredAndCompressed) {
  TempDir dir;
  std::map<std::string, Tensor> arrays = {{"kernel", tensor(floats<float>(12), {3, 4})},
                                          {"labels", tensor(ints<uint8_t>(5), {5})},
                                          {"empty", tensor(std::vector<int64_t>{}, {0})}};
  for (bool compressed : {false, true}) {
    const std::string path = dir.file(compressed ? "c.npz" : "s.npz");
    try {
      write_npz(path, arrays, {.compressed = compressed});
    } catch (const BackendError&) {
      GTEST_SKIP() << "built without libzip";
    }
    std::map<std::string, Tensor> back = read_npz(path);
    ASSERT_EQ(back.size(), 3u);
    for (const auto& [k, t] : arrays) EXPECT_TRUE(mz::testing::all_equal(back[k], t)) << k;
  }
  MZ_EXPECT_THROW_MSG(write_npz(dir.file("x.npz"), {{"a/b", arrays["labels"]}}), ValueError,
                      "array names must be non-empty and hold no '/' or '\\', got \"a/b\".");
}

TEST(ReadNpz, CorruptArchivesAndMembers) {
  TempDir dir;
  const std::string path = dir.file("bad.npz");
  Bytes good = read_bytes(golden("stored.npz"));
  write_bytes(path, Bytes(good.begin(), good.begin() + good.size() / 2));
  try {
    read_npz(path);
    ADD_FAILURE() << "accepted a truncated archive";
  } catch (const BackendError&) {
    GTEST_SKIP() << "built without libzip";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(str("read_npz \"", path, "\": not a valid zip archive")),
              std::string::npos)
        << e.what();
  }
  Bytes member = read_bytes(golden("f4_2x3.npy"));
  // A flipped data byte fails the CRC (data starts after the 30-byte local header and the name).
  Bytes flipped = mz::testing::zip_stored({{"w.npy", member}});
  flipped[30 + 5 + 140] ^= 1;
  write_bytes(path, flipped);
  MZ_EXPECT_THROW_MSG(read_npz(path), FormatError,
                      str("read_npz \"", path, "\": member \"w.npy\": corrupt data"));
  // A member whose header promises more than it holds.
  write_bytes(path, mz::testing::zip_stored({{"w.npy", Bytes(member.begin(), member.end() - 8)}}));
  MZ_EXPECT_THROW_MSG(read_npz(path), FormatError,
                      "member \"w.npy\": file ends at byte 144, header promises 152");
  write_bytes(path, mz::testing::zip_stored({{"notes.txt", {'h', 'i'}}}));
  MZ_EXPECT_THROW_MSG(read_npz(path), FormatError,
                      "member \"notes.txt\": expected only .npy members in a .npz archive.");
  write_bytes(path, mz::testing::zip_stored({{"w.npy", member}, {"w.npy", member}}));
  MZ_EXPECT_THROW_MSG(read_npz(path), FormatError, str("read_npz \"", path, "\""));
  // A member declaring 300 MB inflated from 152 bytes: refused before reading (a zip bomb).
  Bytes bomb = mz::testing::zip_stored({{"w.npy", member}});
  const std::size_t central = 30 + 5 + member.size();
  for (std::size_t at : {std::size_t{8}, central + 10}) bomb[at] = 8;  // method: deflate
  for (std::size_t at : {std::size_t{22}, central + 24}) {             // uncompressed size
    Bytes size;
    put_le(size, 300000000, 4);
    std::copy(size.begin(), size.end(), bomb.begin() + at);
  }
  write_bytes(path, bomb);
  MZ_EXPECT_THROW_MSG(read_npz(path), FormatError,
                      "member \"w.npy\": declares 300000000 bytes from 152 compressed (more than "
                      "100x): refusing a likely zip bomb.");
  // The hand-made archive itself is fine.
  write_bytes(path, mz::testing::zip_stored({{"w.npy", member}}));
  EXPECT_TRUE(same_bits(read_npz(path)["w"], {2, 3}, floats<float>(6)));
}

}  // namespace
}  // namespace mz::io
