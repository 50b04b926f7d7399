// The malformed-file battery for .keras archives and weights (reliability.md F1-F3, the
// part that runs in every test run): truncations, mutations and crafted archives must give
// a clear error naming the file and its part, never a crash.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "mz/io/h5_weights.h"
#include "mz/io/keras_file.h"
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
  c["config"]["layers"][1]["module"] = "os.system";
  set_config(ms, c);
  std::string msg = load_error(dir, ms);
  EXPECT_NE(msg.find("load_model \""), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"FancyLayer\""), std::string::npos) << msg;
  c["config"]["layers"][1]["class_name"] = "Lambda";
  set_config(ms, c);
  EXPECT_NE(load_error(dir, ms).find("\"Lambda\""), std::string::npos);
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

TEST(KerasFileMalformed, CraftedArchivesAreRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  Members traversal = ms;
  traversal.emplace_back("assets/../../evil", Bytes{1});
  EXPECT_NE(load_error(dir, traversal).find("must stay inside the archive"), std::string::npos);
  Members absolute = ms;
  absolute.emplace_back("/etc/evil", Bytes{1});
  EXPECT_NE(load_error(dir, absolute).find("must stay inside the archive"), std::string::npos);
  Members twice = ms;
  twice.push_back(ms[1]);
  std::string msg = load_error(dir, twice);
  EXPECT_NE(msg.find("have the same name"), std::string::npos) << msg;
  Members not_h5 = ms;
  member(not_h5, "model.weights.h5") = Bytes(64, 0x41);
  EXPECT_NE(load_error(dir, not_h5).find("model.weights.h5: not an HDF5 file"), std::string::npos);
  mz::testing::write_text(dir.file("text.keras"), "not a zip at all");
  MZ_EXPECT_THROW_MSG(load_model(dir.file("text.keras")), FormatError, "not a valid zip archive");
  MZ_EXPECT_THROW_MSG(load_model(dir.file("absent.keras")), IoError, "cannot open the file");
}

// The archive cut at many offsets: every one is an error naming the file, never a crash.
TEST(KerasFileMalformed, TruncatedArchivesGiveErrors) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  const Bytes whole = mz::testing::read_bytes(kDir + "mlp.keras");
  int errors = 0;
  // MZ_KERAS_EVERY_BYTE=1 cuts at every offset (the full F1 run, about a minute).
  const std::size_t stride = std::getenv("MZ_KERAS_EVERY_BYTE") ? 1 : 97;
  for (std::size_t cut = 0; cut < whole.size(); cut += (cut + 200 > whole.size() ? 1 : stride)) {
    mz::testing::write_bytes(dir.file("t.keras"), Bytes(whole.begin(), whole.begin() + cut));
    try {
      load_model(dir.file("t.keras"));
      ADD_FAILURE() << "a file cut at byte " << cut << " loaded";
    } catch (const Error& e) {
      ++errors;
      EXPECT_NE(std::string(e.what()).find("load_model \""), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(errors, 300);
}

// The weights file truncated, or with bytes flipped: errors or (for bytes HDF5 never reads)
// a normal load, never a crash.
TEST(KerasFileMalformed, DamagedWeightsGiveErrors) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  Members ms = golden_members("mlp");
  const Bytes h5 = member(ms, "model.weights.h5");
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{8}, std::size_t{100}, h5.size() / 2, h5.size() - 1}) {
    Members t = ms;
    member(t, "model.weights.h5") = Bytes(h5.begin(), h5.begin() + cut);
    std::string msg = load_error(dir, t);
    EXPECT_NE(msg.find("model.weights.h5"), std::string::npos) << "cut " << cut << ": " << msg;
  }
  // MZ_KERAS_MUTATIONS=10000 runs the full F2 count (minutes); 40 per file by default.
  const char* env = std::getenv("MZ_KERAS_MUTATIONS");
  const int trials = env ? std::atoi(env) : 40;
  std::mt19937 rng(5);
  for (const char* name : {"mlp", "lstm"}) {
    Members golden = golden_members(name);
    int errors = 0, loads = 0;
    for (int trial = 0; trial < trials; ++trial) {
      Members t = golden;
      Bytes& b = member(t, "model.weights.h5");
      b[rng() % b.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      (load_error(dir, t).empty() ? loads : errors)++;
    }
    EXPECT_EQ(errors + loads, trials);
    EXPECT_GT(errors, 0) << name;
  }
}

// config.json with bytes changed (names, numbers, brackets): a clear error or a model,
// never a crash.
TEST(KerasFileMalformed, MutatedConfigGivesErrorsOrLoads) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  const char* env = std::getenv("MZ_KERAS_MUTATIONS");
  const int trials = env ? std::atoi(env) : 40;
  std::mt19937 rng(11);
  for (const char* name : {"cnn", "lstm"}) {
    Members ms = golden_members(name);
    const Bytes config = member(ms, "config.json");
    const std::string digits = "0123456789-";
    for (int trial = 0; trial < trials; ++trial) {
      Bytes& b = member(ms, "config.json");
      b = config;
      std::size_t at = rng() % b.size();
      // Half the changes put a digit or '-' where numbers are likely (shapes, units).
      b[at] = trial % 2 ? static_cast<uint8_t>(digits[rng() % digits.size()])
                        : static_cast<uint8_t>(rng() % 256);
      load_error(dir, ms);  // must return (an error message or "")
    }
  }
  SUCCEED();
}

}  // namespace
}  // namespace mz
