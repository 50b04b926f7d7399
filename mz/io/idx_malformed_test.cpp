// The malformed-file battery for IDX files (reliability.md F1/F2): a small uint8 and a float32
// IDX file, plain and gzipped, truncated at every offset, mutated and block-edited.
#include <gtest/gtest.h>

#include "fuzz/loaders.h"
#include "mz/io/malformed_battery.h"
#include "mz/io/test_files.h"
#include "testing.h"

namespace mz {
namespace {

using mz::testing::Bytes;
using mz::testing::TempDir;

// An IDX file: magic 00 00 <code> <rank>, big-endian dims, then `data`.
Bytes idx(uint8_t code, const std::vector<uint32_t>& dims, const Bytes& data) {
  Bytes b = {0, 0, code, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims) mz::testing::put_be(b, d, 4);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

TEST(IdxMalformed, IdxBattery) {
  TempDir dir;
  Bytes images;
  for (int i = 0; i < 3 * 5 * 4; ++i) images.push_back(static_cast<uint8_t>(i * 7));
  Bytes floats;
  for (int i = 0; i < 6; ++i) mz::testing::put_be(floats, 0x3f800000u + i, 4);
  const auto plan =
      mz::testing::battery_plan({.truncations = SIZE_MAX, .mutations = 300, .blocks = 60});
  const std::vector<std::pair<std::string, Bytes>> files = {
      {"u8 (3, 5, 4)", idx(0x08, {3, 5, 4}, images)},
      {"f32 (2, 3)", idx(0x0d, {2, 3}, floats)},
      {"gzipped u8 (3, 5, 4)", mz::testing::gzip_stored(idx(0x08, {3, 5, 4}, images))}};
  for (const auto& [name, bytes] : files) {
    auto r = mz::testing::run_battery(
        name, bytes,
        [&](const Bytes& b) { fuzz::read_idx_bytes(dir.path().string(), b.data(), b.size()); },
        {"read_idx \"" + dir.file("fuzz-idx3-ubyte") + "\""}, plan, 41);
    EXPECT_GE(r.errors, r.truncations - 1) << name;  // the gzip cut at byte 0 is an empty file
  }
}

}  // namespace
}  // namespace mz
