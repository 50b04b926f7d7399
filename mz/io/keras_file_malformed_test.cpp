// The malformed-file battery for .keras archives (reliability.md F1-F3): truncations,
// mutations and block edits of the goldens (malformed_battery.h; full counts with
// MEREZHA_FULL_BATTERY=1) and crafted archives must give a clear error naming the file and
// its part, never a crash. config.json mutations: json_malformed_test.cpp.
#include <gtest/gtest.h>

#include "fuzz/loaders.h"
#include "mz/io/h5_weights.h"
#include "mz/io/keras_file.h"
#include "mz/io/malformed_battery.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "testing.h"

namespace mz {
namespace {

using mz::testing::Bytes;
using mz::testing::TempDir;

const std::string kDir = std::string(MZ_GOLDEN_DIR) + "/keras_files/";

#define MZ_REQUIRE_KERAS_FILES()                              \
  if (!io::detail::have_libzip() || !io::detail::have_hdf5()) \
  GTEST_SKIP() << "merezha was built without libzip or libhdf5"

using Members = std::vector<std::pair<std::string, Bytes>>;

Members golden_members(const std::string& name) {
  Members out;
  for (auto& m : io::detail::read_zip(kDir + name + ".keras", "test"))
    out.emplace_back(m.name, m.bytes);
  return out;
}

Bytes& member(Members& ms, const std::string& name) {
  for (auto& [n, b] : ms)
    if (n == name) return b;
  throw std::runtime_error("no member " + name);
}

Json config_of(Members& ms) {
  const Bytes& b = member(ms, "config.json");
  return Json::parse(b.begin(), b.end());
}

void set_config(Members& ms, const Json& c) {
  std::string s = c.dump();
  member(ms, "config.json") = Bytes(s.begin(), s.end());
}

// Writes the members as a .keras file in `dir` and returns load_model's error message
// (empty when it loads).
std::string load_error(const TempDir& dir, const Members& ms, const std::string& name = "m.keras") {
  mz::testing::write_bytes(dir.file(name), mz::testing::zip_stored(ms));
  try {
    load_model(dir.file(name));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(KerasFileMalformed, MissingMembersAreNamed) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  Members no_config = {ms[0], ms[2]};
  EXPECT_NE(load_error(dir, no_config).find("has no config.json"), std::string::npos);
  Members no_weights = {ms[0], ms[1]};
  EXPECT_NE(load_error(dir, no_weights).find("has no model.weights.h5"), std::string::npos);
  Members npz = {ms[0], ms[1], {"model.weights.npz", {1, 2, 3}}};
  EXPECT_NE(load_error(dir, npz).find("model.weights.npz are not supported"), std::string::npos);
}

TEST(KerasFileMalformed, BadJsonIsAFormatError) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  std::string bad = "{\"class_name\": \"Sequential\", ";
  member(ms, "config.json") = Bytes(bad.begin(), bad.end());
  mz::testing::write_bytes(dir.file("m.keras"), mz::testing::zip_stored(ms));
  MZ_EXPECT_THROW_MSG(load_model(dir.file("m.keras")), FormatError, "config.json: not valid JSON");
  std::string deep(10000, '[');
  member(ms, "config.json") = Bytes(deep.begin(), deep.end());
  mz::testing::write_bytes(dir.file("m.keras"), mz::testing::zip_stored(ms));
  MZ_EXPECT_THROW_MSG(load_model(dir.file("m.keras")), FormatError, "nesting deeper than 256");
}

TEST(KerasFileMalformed, UnknownLayerClassIsNamed) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  Json c = config_of(ms);
  c["config"]["layers"][1]["class_name"] = "FancyLayer";
  set_config(ms, c);
  std::string msg = load_error(dir, ms);
  EXPECT_NE(msg.find("load_model \""), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"FancyLayer\""), std::string::npos) << msg;
  c["config"]["layers"][1]["class_name"] = "Lambda";
  set_config(ms, c);
  EXPECT_NE(load_error(dir, ms).find("\"Lambda\""), std::string::npos);
  // A foreign module is refused before its class is looked up (json_malformed_test.cpp).
  c["config"]["layers"][1]["module"] = "os.system";
  set_config(ms, c);
  msg = load_error(dir, ms);
  EXPECT_NE(msg.find("config.json: \"Lambda\": module \"os.system\" names code outside Keras"),
            std::string::npos)
      << msg;
}

TEST(KerasFileMalformed, WrongWeightShapeNamesLayerAndVariable) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  Json c = config_of(ms);
  c["config"]["layers"][1]["config"]["units"] = 4;
  set_config(ms, c);
  std::string msg = load_error(dir, ms);
  EXPECT_NE(msg.find("model.weights.h5: Dense 'dense' variable 0 (kernel"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("expected shape (6, 4), got (6, 5)"), std::string::npos) << msg;
  // A variable missing from the file.
  Members ms2 = golden_members("cnn");
  Json c2 = config_of(ms2);
  c2["config"]["layers"][2]["config"]["scale"] = false;  // BatchNormalization without gamma
  set_config(ms2, c2);
  msg = load_error(dir, ms2);
  EXPECT_NE(msg.find("BatchNormalization 'batch_normalization': expected 3 variables"),
            std::string::npos)
      << msg;
}

TEST(KerasFileMalformed, DisconnectedGraphNamesTheNodes) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("lstm");
  Json c = config_of(ms);
  c["config"]["layers"][2]["inbound_nodes"][0]["args"][0]["config"]["keras_history"][0] = "nowhere";
  set_config(ms, c);
  std::string msg = load_error(dir, ms);
  EXPECT_NE(msg.find("loops or disconnected nodes"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'dense_3' (node 0)"), std::string::npos) << msg;
}

// A zip archive of one member whose directory entries declare `declared` uncompressed bytes
// for `data` stored deflated (method 8): what a zip bomb's directory looks like.
Bytes zip_declaring(const std::string& name, const Bytes& data, uint64_t declared) {
  Bytes z, central;
  auto common = [&](Bytes& b) {
    mz::testing::put_le(b, 20, 2);
    mz::testing::put_le(b, 0, 2);     // flags
    mz::testing::put_le(b, 8, 2);     // method: deflate
    mz::testing::put_le(b, 0, 2);     // time
    mz::testing::put_le(b, 0x21, 2);  // date
    mz::testing::put_le(b, 0, 4);     // crc
    mz::testing::put_le(b, data.size(), 4);
    mz::testing::put_le(b, declared, 4);
    mz::testing::put_le(b, name.size(), 2);
    mz::testing::put_le(b, 0, 2);
  };
  mz::testing::put_le(z, 0x04034b50, 4);
  common(z);
  z.insert(z.end(), name.begin(), name.end());
  z.insert(z.end(), data.begin(), data.end());
  mz::testing::put_le(central, 0x02014b50, 4);
  mz::testing::put_le(central, 20, 2);
  common(central);
  for (int i = 0; i < 3; ++i) mz::testing::put_le(central, 0, 2);  // comment, disk, internal
  mz::testing::put_le(central, 0, 4);                              // external attributes
  mz::testing::put_le(central, 0, 4);                              // local header offset
  central.insert(central.end(), name.begin(), name.end());
  const uint64_t cd_offset = z.size();
  z.insert(z.end(), central.begin(), central.end());
  mz::testing::put_le(z, 0x06054b50, 4);
  for (int i = 0; i < 2; ++i) mz::testing::put_le(z, 0, 2);
  for (int i = 0; i < 2; ++i) mz::testing::put_le(z, 1, 2);
  mz::testing::put_le(z, central.size(), 4);
  mz::testing::put_le(z, cd_offset, 4);
  mz::testing::put_le(z, 0, 2);
  return z;
}

TEST(KerasFileMalformed, ZipBombIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  // 3.75 GiB declared from 1 KiB stored: refused before a byte is inflated. (0xffffffff
  // would mean "see the zip64 field", a different malformation.)
  mz::testing::write_bytes(dir.file("bomb.keras"),
                           zip_declaring("config.json", Bytes(1024, 0), 0xf0000000u));
  MZ_EXPECT_THROW_MSG(load_model(dir.file("bomb.keras")), FormatError,
                      "member \"config.json\": declares 4026531840 bytes from 1024 compressed "
                      "(more than 100x): refusing a likely zip bomb.");
}

TEST(KerasFileMalformed, DotDotMemberPathIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  ms.emplace_back("assets/../../evil", Bytes{1});
  std::string msg = load_error(dir, ms);
  EXPECT_NE(msg.find("member \"assets/../../evil\": member names must stay inside the archive"),
            std::string::npos)
      << msg;
}

TEST(KerasFileMalformed, AbsoluteMemberPathIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  ms.emplace_back("/etc/evil", Bytes{1});
  std::string msg = load_error(dir, ms);
  EXPECT_NE(msg.find("member \"/etc/evil\": member names must stay inside the archive"),
            std::string::npos)
      << msg;
}

TEST(KerasFileMalformed, DuplicateMembersAreRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  ms.push_back(ms[1]);
  std::string msg = load_error(dir, ms);
  EXPECT_NE(msg.find("have the same name"), std::string::npos) << msg;
}

TEST(KerasFileMalformed, NonArchivesAreRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  member(ms, "model.weights.h5") = Bytes(64, 0x41);
  EXPECT_NE(load_error(dir, ms).find("model.weights.h5: not an HDF5 file"), std::string::npos);
  mz::testing::write_text(dir.file("text.keras"), "not a zip at all");
  MZ_EXPECT_THROW_MSG(load_model(dir.file("text.keras")), FormatError, "not a valid zip archive");
  MZ_EXPECT_THROW_MSG(load_model(dir.file("absent.keras")), IoError, "cannot open the file");
}

// The HDF5 shape bomb of fuzz/crafted (1 TiB declared, 1 KiB stored) as model.weights.h5.
TEST(KerasFileMalformed, Hdf5ShapeBombInsideTheArchiveIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  member(ms, "model.weights.h5") = mz::testing::read_bytes(
      std::string(MZ_GOLDEN_DIR) + "/../../fuzz/crafted/shape_bomb.weights.h5");
  std::string msg = load_error(dir, ms);
  EXPECT_NE(msg.find("model.weights.h5: dataset \"layers/dense/vars/0\": declares "
                     "1099511627776 bytes with 1024 stored"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("refusing a likely shape bomb"), std::string::npos) << msg;
}

// F1/F2 on the whole archive: cuts, byte changes and block edits of every golden .keras file.
TEST(KerasFileMalformed, ArchiveBattery) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  const auto plan = mz::testing::battery_plan({.truncations = 120, .mutations = 100, .blocks = 20});
  for (const char* name : {"mlp", "cnn", "lstm", "two_input"}) {
    const Bytes golden = mz::testing::read_bytes(kDir + name + ".keras");
    auto r = mz::testing::run_battery(
        str(name, ".keras"), golden,
        [&](const Bytes& b) { fuzz::load_keras(dir.path().string(), b.data(), b.size()); },
        {"load_model \"" + dir.file("fuzz.keras") + "\""}, plan, 5);
    EXPECT_GT(r.errors, r.truncations);
  }
}

// F1/F2 on model.weights.h5 inside the archive (re-zipped, so the zip CRC passes and the
// damage reaches libhdf5): errors name the member; bytes HDF5 never reads may load.
TEST(KerasFileMalformed, WeightsMemberBattery) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  const auto plan = mz::testing::battery_plan({.truncations = 40, .mutations = 40, .blocks = 8});
  for (const char* name : {"mlp", "lstm"}) {
    Members ms = golden_members(name);
    const Bytes h5 = member(ms, "model.weights.h5");
    for (std::size_t cut :
         {std::size_t{0}, std::size_t{8}, std::size_t{100}, h5.size() / 2, h5.size() - 1}) {
      Members t = ms;
      member(t, "model.weights.h5") = Bytes(h5.begin(), h5.begin() + cut);
      std::string msg = load_error(dir, t);
      EXPECT_NE(msg.find("model.weights.h5"), std::string::npos) << "cut " << cut << ": " << msg;
    }
    auto r = mz::testing::run_battery(
        str(name, ".keras model.weights.h5"), h5,
        [&](const Bytes& b) {
          member(ms, "model.weights.h5") = b;
          const Bytes zip = mz::testing::zip_stored(ms);
          fuzz::load_keras(dir.path().string(), zip.data(), zip.size());
        },
        {"load_model \"", ": model.weights.h5"}, plan, 7);
    EXPECT_GT(r.errors, 0u) << name;
  }
}

}  // namespace
}  // namespace mz
