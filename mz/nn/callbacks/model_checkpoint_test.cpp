// ModelCheckpoint: path formatting, argument checks, epoch and batch saves through fit,
// save_best_only with modes and initial_value_threshold, and the files it writes load back.
#include "mz/nn/callbacks/model_checkpoint.h"

#include <filesystem>

#include "mz/io/h5_weights.h"
#include "mz/io/keras_file.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/random.h"
#include "testing.h"

namespace mz::callbacks {
namespace {

namespace fs = std::filesystem;
using mz::testing::TempDir;

#define MZ_REQUIRE_KERAS_FILES()                              \
  if (!io::detail::have_libzip() || !io::detail::have_hdf5()) \
  GTEST_SKIP() << "merezha was built without libzip or libhdf5"

std::shared_ptr<Sequential> small_model() {
  set_seed(3);
  auto m = std::make_shared<Sequential>(std::vector<LayerPtr>{Input({2}), layers::Dense(1)});
  m->compile({.optimizer = optimizers::SGD(), .loss = "mse"});
  return m;
}

TEST(ModelCheckpointFormat, FillsPythonFormatFields) {
  Logs logs = {{"loss", 0.5}, {"val_loss", 0.123456}, {"accuracy", 0.875}};
  EXPECT_EQ(format_filepath("m-{epoch:02d}-{val_loss:.2f}.keras", logs, 3, std::nullopt),
            "m-03-0.12.keras");
  EXPECT_EQ(format_filepath("{epoch}_{batch}_{loss}", logs, 12, 7), "12_7_0.5");
  EXPECT_EQ(format_filepath("{{x}}{accuracy:.1%}{epoch:>4}|{epoch:<3}|", logs, 5, std::nullopt),
            "{x}87.5%   5|5  |");
  EXPECT_EQ(format_filepath("{val_loss:.3e}{loss:+08.3f}{epoch:*^5d}", logs, 1, std::nullopt),
            "1.235e-01+000.500**1**");
  EXPECT_EQ(format_filepath("{loss:.3}", {{"loss", 2.0}}, 1, std::nullopt), "2.0");
}

TEST(ModelCheckpointFormat, NamesTheProblemField) {
  Logs logs = {{"loss", 0.5}};
  MZ_EXPECT_THROW_MSG(format_filepath("m-{val_acc:.2f}.keras", logs, 1, std::nullopt), ValueError,
                      "ModelCheckpoint: failed to format the filepath \"m-{val_acc:.2f}.keras\": "
                      "no value for {val_acc}: expected one of epoch, loss, got \"val_acc\".");
  MZ_EXPECT_THROW_MSG(format_filepath("m-{loss:02d}.keras", logs, 1, std::nullopt), ValueError,
                      "field {loss:02d}: expected an integer for format code 'd'");
  MZ_EXPECT_THROW_MSG(format_filepath("m-{loss:.2q}.keras", logs, 1, std::nullopt), ValueError,
                      "field {loss:.2q}: expected a format spec");
  MZ_EXPECT_THROW_MSG(format_filepath("m-{epoch.keras", logs, 1, std::nullopt), ValueError,
                      "expected \"}\" to close the field at offset 2, got the end of the path.");
}

TEST(ModelCheckpoint, RejectsBadArgumentsWithKerasMessages) {
  MZ_EXPECT_THROW_MSG(ModelCheckpoint("m.h5"), ValueError,
                      "ModelCheckpoint: the filepath provided must end in `.keras` (Keras model "
                      "format): expected a path ending in \".keras\", got \"m.h5\".");
  MZ_EXPECT_THROW_MSG(ModelCheckpoint("m.keras", {.save_weights_only = true}), ValueError,
                      "ModelCheckpoint: when using save_weights_only=true, the filepath provided "
                      "must end in `.weights.h5` (Keras weights format): expected a path ending "
                      "in \".weights.h5\", got \"m.keras\".");
  MZ_EXPECT_THROW_MSG(
      ModelCheckpoint("m.keras", {.mode = "bigger"}), ValueError,
      "ModelCheckpoint: mode must be \"auto\", \"min\" or \"max\", got \"bigger\".");
  MZ_EXPECT_THROW_MSG(ModelCheckpoint("m.keras", {.save_freq = std::string("batch")}), ValueError,
                      "ModelCheckpoint: unrecognized save_freq: expected \"epoch\" or an integer "
                      "number of batches, got \"batch\".");
  MZ_EXPECT_THROW_MSG(
      ModelCheckpoint("m.keras", {.save_freq = int64_t{0}}), ValueError,
      "ModelCheckpoint: save_freq must be \"epoch\" or a number of batches above 0, "
      "got 0.");
}

TEST(ModelCheckpoint, SavesEveryEpochThroughFitAndTheFilesLoad) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto m = small_model();
  Tensor x = normal({8, 2}), y = normal({8, 1});
  auto ckpt = std::make_shared<ModelCheckpoint>(dir.file("sub/m-{epoch:02d}-{loss:.3f}.keras"),
                                                ModelCheckpointOptions{.monitor = "loss"});
  History h = m->fit(x, y, {.batch_size = 4, .epochs = 2, .verbose = 0, .callbacks = {ckpt}});
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir.path() / "sub")) {
    ++files;
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos);
  }
  EXPECT_EQ(files, 2);
  char name[64];
  std::snprintf(name, sizeof name, "sub/m-02-%.3f.keras", h.history["loss"][1]);
  EXPECT_EQ(ckpt->last_saved(), dir.file(name));
  auto loaded = load_model(ckpt->last_saved());
  EXPECT_TRUE(mz::testing::all_close(loaded->predict(x), m->predict(x), 0.0, 0.0));
}

TEST(ModelCheckpoint, SavesEveryNBatchesWithTheBatchInTheName) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto m = small_model();
  Tensor x = normal({12, 2}), y = normal({12, 1});  // 3 batches per epoch
  auto ckpt = std::make_shared<ModelCheckpoint>(
      dir.file("w-{epoch}-{batch}.weights.h5"),
      ModelCheckpointOptions{.save_weights_only = true, .save_freq = int64_t{2}});
  m->fit(x, y, {.batch_size = 4, .epochs = 2, .verbose = 0, .callbacks = {ckpt}});
  // Batches seen: 2 (epoch 1, batch 2), 4 (epoch 2, batch 1), 6 (epoch 2, batch 3).
  for (const char* f : {"w-1-2.weights.h5", "w-2-1.weights.h5", "w-2-3.weights.h5"})
    EXPECT_TRUE(fs::exists(dir.file(f))) << f;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 3);
  auto other = small_model();
  other->predict(x);  // build
  load_weights(*other, dir.file("w-2-3.weights.h5"));
  EXPECT_TRUE(mz::testing::all_close(other->predict(x), m->predict(x), 0.0, 0.0));
}

TEST(ModelCheckpoint, SaveBestOnlyWritesOnImprovement) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  auto m = small_model();
  m->predict(normal({1, 2}));  // build
  const std::string path = dir.file("best.weights.h5");
  ModelCheckpoint ckpt(path,
                       {.monitor = "val_loss", .save_best_only = true, .save_weights_only = true});
  ckpt.set_model(m.get());
  ckpt.on_epoch_end(0, {{"val_loss", 1.0}});
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(ckpt.best(), 1.0);
  fs::remove(path);
  ckpt.on_epoch_end(1, {{"val_loss", 1.5}});  // worse: nothing written
  EXPECT_FALSE(fs::exists(path));
  ckpt.on_epoch_end(2, {{"loss", 0.1}});  // monitor missing: warning, nothing written
  EXPECT_FALSE(fs::exists(path));
  ckpt.on_epoch_end(3, {{"val_loss", 0.5}});
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(ckpt.best(), 0.5);

  // "auto" maximizes accuracy; initial_value_threshold must be beaten first.
  ModelCheckpoint acc(dir.file("acc.weights.h5"), {.monitor = "val_accuracy",
                                                   .save_best_only = true,
                                                   .save_weights_only = true,
                                                   .initial_value_threshold = 0.8});
  acc.set_model(m.get());
  acc.on_epoch_end(0, {{"val_accuracy", 0.7}});
  EXPECT_FALSE(fs::exists(dir.file("acc.weights.h5")));
  acc.on_epoch_end(1, {{"val_accuracy", 0.9}});
  EXPECT_TRUE(fs::exists(dir.file("acc.weights.h5")));
  EXPECT_EQ(acc.best(), 0.9);

  ModelCheckpoint odd(dir.file("o.weights.h5"),
                      {.monitor = "score", .save_best_only = true, .save_weights_only = true});
  odd.set_model(m.get());
  MZ_EXPECT_THROW_MSG(odd.on_epoch_end(0, {{"score", 1.0}}), ValueError,
                      "ModelCheckpoint: monitor \"score\": cannot tell whether it should be "
                      "minimized or maximized: expected mode \"min\" or \"max\", got \"auto\".");
  ModelCheckpoint max(
      dir.file("o.weights.h5"),
      {.monitor = "score", .save_best_only = true, .save_weights_only = true, .mode = "max"});
  max.set_model(m.get());
  max.on_epoch_end(0, {{"score", 1.0}});
  EXPECT_TRUE(fs::exists(dir.file("o.weights.h5")));
}

TEST(ModelCheckpoint, RefusesADirectoryAsTheFile) {
  MZ_REQUIRE_KERAS_FILES();
  TempDir dir;
  fs::create_directories(dir.path() / "d.keras");
  auto m = small_model();
  m->predict(normal({1, 2}));
  ModelCheckpoint ckpt(dir.file("d.keras"));
  ckpt.set_model(m.get());
  MZ_EXPECT_THROW_MSG(ckpt.on_epoch_end(0, {}), IoError,
                      "ModelCheckpoint: please specify a non-directory filepath: expected a file "
                      "path, got the existing directory \"" +
                          dir.file("d.keras") + "\".");
}

}  // namespace
}  // namespace mz::callbacks
