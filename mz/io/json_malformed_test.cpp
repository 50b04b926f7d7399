// The malformed-file battery for config.json, the JSON a .keras archive describes its model
// with (reliability.md F1-F3): the goldens' configs truncated, mutated and block-edited
// (zipped again with their weights), and crafted configs (deep nesting, a huge string, unknown
// classes, Lambda layers, foreign modules, overflowing sizes) refused by name.
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

Bytes config_bytes(const std::vector<io::detail::ZipMember>& ms) {
  for (const auto& m : ms)
    if (m.name == "config.json") return m.bytes;
  return {};
}

// load_model's error for the golden `name` with config.json replaced by `config` ("" if it
// loads).
std::string config_error(const TempDir& dir, const std::string& name, const std::string& config) {
  try {
    fuzz::load_config_json(dir.path().string(), fuzz::keras_members(kDir + name + ".keras"),
                           reinterpret_cast<const uint8_t*>(config.data()), config.size());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The golden mlp config with `edit` applied to its second layer's entry.
std::string mlp_config_with(const std::function<void(Json&)>& edit) {
  const Bytes b = config_bytes(fuzz::keras_members(kDir + "mlp.keras"));
  Json c = Json::parse(b.begin(), b.end());
  edit(c["config"]["layers"][1]);
  return c.dump();
}

TEST(JsonMalformed, ConfigBattery) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  const auto plan = mz::testing::battery_plan({.truncations = 60, .mutations = 120, .blocks = 20});
  for (const char* name : {"mlp", "cnn", "lstm", "two_input"}) {
    const auto golden = fuzz::keras_members(kDir + name + ".keras");
    auto r = mz::testing::run_battery(str(name, ".keras config.json"), config_bytes(golden),
                                      [&](const Bytes& b) {
                                        fuzz::load_config_json(dir.path().string(), golden,
                                                               b.data(), b.size());
                                      },
                                      {"load_model \"" + dir.file("fuzz.keras") + "\""}, plan, 11,
                                      {": config.json", ": model.weights.h5"});
    EXPECT_GE(r.errors, r.truncations) << name;
  }
}

TEST(JsonMalformed, NestingDepth10000IsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string deep = "{\"class_name\": \"Sequential\", \"config\": " + std::string(10000, '[') +
                     std::string(10000, ']') + "}";
  std::string msg = config_error(dir, "mlp", deep);
  EXPECT_NE(msg.find(": config.json: nesting deeper than 256 levels; refusing it."),
            std::string::npos)
      << msg.substr(0, 300);
}

TEST(JsonMalformed, HugeJsonStringIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  // A 65 MiB layer name (the F3 case is 1 GB: refused the same way, by size, before parsing).
  std::string huge =
      mlp_config_with([](Json& layer) { layer["config"]["name"] = "HUGE_NAME_GOES_HERE"; });
  const std::size_t at = huge.find("HUGE_NAME_GOES_HERE");
  ASSERT_NE(at, std::string::npos);
  huge.replace(at, 19, std::string(std::size_t{65} << 20, 'x'));
  std::string msg = config_error(dir, "mlp", huge);
  EXPECT_NE(msg.find(": config.json: 681"), std::string::npos) << msg.substr(0, 300);
  EXPECT_NE(msg.find(" bytes, more than the 64 MiB a model config may hold; refusing it."),
            std::string::npos)
      << msg.substr(0, 300);
  EXPECT_LT(msg.size(), 1000u);
}

TEST(JsonMalformed, UnknownClassNameIsNamed) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string msg =
      config_error(dir, "mlp", mlp_config_with([](Json& l) { l["class_name"] = "FancyLayer"; }));
  EXPECT_NE(msg.find(": config.json: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown layer class"), std::string::npos) << msg;
  EXPECT_NE(msg.find("got \"FancyLayer\""), std::string::npos) << msg;
}

TEST(JsonMalformed, LambdaLayerIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  // A Lambda layer naming its function (merezha runs no Python): an unknown class, by name.
  std::string msg = config_error(dir, "mlp", mlp_config_with([](Json& l) {
                                   l["class_name"] = "Lambda";
                                   l["config"] = {{"name", "lambda"}, {"function", "my_function"}};
                                 }));
  EXPECT_NE(msg.find(": config.json: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("got \"Lambda\""), std::string::npos) << msg;
}

TEST(JsonMalformed, DunderLambdaIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  // A serialized Python lambda (Keras 3's form: no module) as a Dense layer's activation.
  std::string msg = config_error(dir, "mlp", mlp_config_with([](Json& l) {
                                   l["config"]["activation"] = {
                                       {"class_name", "__lambda__"},
                                       {"config", {{"value", {"4wEA", nullptr, nullptr}}}}};
                                 }));
  EXPECT_NE(msg.find(": config.json: a serialized Python lambda (\"__lambda__\") is code; "
                     "refusing it."),
            std::string::npos)
      << msg;
}

TEST(JsonMalformed, ForeignModuleIsRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  std::string msg = config_error(dir, "mlp", mlp_config_with([](Json& l) {
                                   l["module"] = "os";
                                   l["class_name"] = "system";
                                 }));
  EXPECT_NE(msg.find(": config.json: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"os\""), std::string::npos) << msg;
  // A known class_name does not make a foreign module acceptable.
  msg = config_error(dir, "mlp", mlp_config_with([](Json& l) { l["module"] = "os.system"; }));
  EXPECT_NE(msg.find(": config.json: "), std::string::npos) << msg;
  EXPECT_NE(msg.find(": config.json: \"Dense\": module \"os.system\" names code outside Keras"),
            std::string::npos)
      << msg;
}

TEST(JsonMalformed, OverflowingAndNegativeSizesAreRefused) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  for (int64_t units : {int64_t{-3}, int64_t{0}, int64_t{1} << 40, INT64_MAX}) {
    std::string msg =
        config_error(dir, "mlp", mlp_config_with([&](Json& l) { l["config"]["units"] = units; }));
    EXPECT_NE(msg.find("load_model \""), std::string::npos) << units << ": " << msg;
    EXPECT_NE(msg.find(": config.json: "), std::string::npos) << units << ": " << msg;
  }
  const Bytes b = config_bytes(fuzz::keras_members(kDir + "mlp.keras"));
  Json c = Json::parse(b.begin(), b.end());
  c["config"]["layers"][0]["config"]["batch_shape"] =
      Json::array({nullptr, int64_t{1} << 62, int64_t{1} << 62});
  std::string msg = config_error(dir, "mlp", c.dump());
  EXPECT_NE(msg.find(": config.json: "), std::string::npos) << msg;
}

}  // namespace
}  // namespace mz
