// BackupAndRestore: an interrupted fit (a callback throws mid-epoch) resumed by a second fit
// with the same backup directory ends bit-identical to an uninterrupted fit (dropout from the
// default generator and a seeded one, shuffling, Adam slots, passes spanning epochs); the
// backup files, their cleanup, the fallback to the previous backup and the error messages.
#include "mz/nn/callbacks/backup_and_restore.h"

#include <filesystem>
#include <fstream>

#include "mz/io/h5_weights.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/dropout.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/adam.h"
#include "mz/ops/creation.h"
#include "mz/ops/random.h"
#include "testing.h"

namespace mz::callbacks {
namespace {

namespace fs = std::filesystem;
namespace L = layers;
using mz::testing::TempDir;

#define MZ_REQUIRE_WEIGHT_FILES() \
  if (!io::detail::have_hdf5()) GTEST_SKIP() << "merezha was built without libhdf5"

// A small net with both kinds of dropout, built; its initial weights follow `seed`.
std::shared_ptr<Sequential> net(uint64_t seed) {
  set_seed(seed);
  auto m = std::make_shared<Sequential>(
      std::vector<LayerPtr>{Input({3}), L::Dense(8, {.activation = "relu"}), L::Dropout(0.3),
                            L::Dropout(0.2, {.seed = 5}), L::Dense(2)});
  m->compile({.optimizer = optimizers::Adam(), .loss = "mse"});
  m->predict(zeros({1, 3}));  // builds without drawing random numbers
  return m;
}

// What Crash throws (not an mz::Error, so a real error cannot pass for the crash).
struct Crashed {};

// Throws from on_train_batch_end after `after` batches in all.
class Crash : public Callback {
 public:
  explicit Crash(int after) : after_(after) {}
  void on_train_batch_end(int64_t, const Logs&) override {
    if (++seen_ == after_) throw Crashed{};
  }

 private:
  int after_, seen_ = 0;
};

struct Data {
  Tensor x, y;
};

Data data() {
  Generator g(11);
  return {normal({20, 3}, 0.0, 1.0, {}, g), normal({20, 2}, 0.0, 1.0, {}, g)};  // 5 batches of 4
}

std::vector<std::vector<float>> weights_of(const Model& m) {
  std::vector<std::vector<float>> out;
  for (const Tensor& w : m.get_weights()) out.push_back(w.to_vector<float>());
  return out;
}

// Fits 3 epochs straight, then again with a crash after `crash_after` batches and a resume
// from the backup (in a fresh model with other weights and other generator states); the final
// weights and optimizer state must be bitwise equal.
void expect_exact_resume(const std::string& dir, SaveFreq save_freq, int crash_after,
                         int64_t steps_per_epoch, int expect_epoch, int64_t expect_batch) {
  Data d = data();
  FitOptions fit{.batch_size = 4, .epochs = 3, .verbose = 0, .steps_per_epoch = steps_per_epoch};
  auto straight = net(7);
  straight->fit(d.x, d.y, fit);

  auto first = net(7);
  FitOptions crashing = fit;
  crashing.callbacks = {BackupAndRestore(dir, {.save_freq = save_freq}), Crash(crash_after)};
  EXPECT_THROW(first->fit(d.x, d.y, crashing), Crashed);
  ASSERT_TRUE(fs::exists(fs::path(dir) / "training_metadata.json"));

  auto resumed = net(99);  // a "new process": other weights, other generator states
  set_seed(12345);
  auto backup =
      std::make_shared<BackupAndRestore>(dir, BackupAndRestoreOptions{.save_freq = save_freq});
  FitOptions resuming = fit;
  resuming.callbacks = {backup};
  resumed->fit(d.x, d.y, resuming);
  EXPECT_EQ(backup->restored_epoch(), expect_epoch);
  EXPECT_EQ(backup->restored_batch(), expect_batch);
  EXPECT_EQ(weights_of(*resumed), weights_of(*straight));
  EXPECT_EQ(resumed->optimizer()->iterations(), straight->optimizer()->iterations());
  std::vector<Tensor> a = resumed->optimizer()->variables(), b = straight->optimizer()->variables();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_EQ(a[i].to_vector<double>(), b[i].to_vector<double>()) << "optimizer variable " << i;
  // The default generator made the same draws: replay the straight run and compare.
  const std::string resumed_state = default_generator().state();
  net(7)->fit(d.x, d.y, fit);
  EXPECT_EQ(resumed_state, default_generator().state());
  EXPECT_FALSE(fs::exists(dir)) << "delete_checkpoint removes the backup when fit completes";
}

TEST(BackupAndRestore, ResumesMidEpochBitIdentical) {
  MZ_REQUIRE_WEIGHT_FILES();
  TempDir dir;
  // Backups after batches 3 and 6 (epoch 1, 1 batch done); the crash comes after batch 8.
  expect_exact_resume(dir.file("backup"), int64_t{3}, 8, 0, 1, 1);
}

// Makes the resumed fit restart the interrupted epoch from its first batch, as Keras 3 does.
class ForgetBatch : public Callback {
 public:
  void on_train_begin(const Logs&) override {
    ASSERT_TRUE(model()->resume_from.has_value());
    model()->resume_from->batch = 0;
    model()->resume_from->pass_open = false;
  }
};

TEST(BackupAndRestore, RestartingTheEpochAsKerasDoesIsNotBitIdentical) {
  MZ_REQUIRE_WEIGHT_FILES();
  TempDir dir;
  Data d = data();
  FitOptions fit{.batch_size = 4, .epochs = 3, .verbose = 0};
  auto straight = net(7);
  straight->fit(d.x, d.y, fit);
  auto first = net(7);
  FitOptions crashing = fit;
  const std::string backup = dir.file("b");
  crashing.callbacks = {BackupAndRestore(backup, {.save_freq = int64_t{3}}), Crash(8)};
  EXPECT_THROW(first->fit(d.x, d.y, crashing), Crashed);
  auto resumed = net(99);
  FitOptions resuming = fit;
  resuming.callbacks = {BackupAndRestore(backup, {.save_freq = int64_t{3}}), ForgetBatch()};
  resumed->fit(d.x, d.y, resuming);
  EXPECT_NE(weights_of(*resumed), weights_of(*straight));
}

TEST(BackupAndRestore, ResumesAtAnEpochBoundaryBitIdentical) {
  MZ_REQUIRE_WEIGHT_FILES();
  TempDir dir;
  // Epoch backups: the crash in epoch 2 resumes at its start.
  expect_exact_resume(dir.file("backup"), std::string("epoch"), 12, 0, 2, 0);
}

TEST(BackupAndRestore, ResumesPassesThatSpanEpochsBitIdentical) {
  MZ_REQUIRE_WEIGHT_FILES();
  TempDir dir;
  // 2 steps per epoch over 5 batches per pass: the backup at the end of epoch 0 is 2 batches
  // into the pass, whose permutation the resumed fit must redraw.
  expect_exact_resume(dir.file("backup"), std::string("epoch"), 3, 2, 1, 0);
}

TEST(BackupAndRestore, WritesKerasMetadataAndKeepsOneWeightsFile) {
  MZ_REQUIRE_WEIGHT_FILES();
  TempDir dir;
  Data d = data();
  auto m = net(7);
  const std::string backup = dir.file("b");
  m->fit(d.x, d.y,
         {.batch_size = 4,
          .epochs = 2,
          .verbose = 0,
          .callbacks = {BackupAndRestore(backup, {.delete_checkpoint = false})}});
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(backup)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"latest-1.weights.h5", "training_metadata.json"}));
  std::ifstream in(backup + "/training_metadata.json");
  Json meta = Json::parse(in);
  EXPECT_EQ(meta["epoch"], 2);
  EXPECT_EQ(meta["batch"], 0);
  EXPECT_EQ(meta["weights_file"], "latest-1.weights.h5");
}

TEST(BackupAndRestore, FallsBackToThePreviousBackupWhenTheLatestIsCorrupt) {
  MZ_REQUIRE_WEIGHT_FILES();
  TempDir dir;
  Data d = data();
  const std::string backup = dir.file("b");
  BackupAndRestoreOptions opts{.save_freq = int64_t{2}, .double_checkpoint = true};
  auto first = net(7);
  FitOptions crashing{.batch_size = 4,
                      .epochs = 3,
                      .verbose = 0,
                      .callbacks = {BackupAndRestore(backup, opts), Crash(5)}};
  EXPECT_THROW(first->fit(d.x, d.y, crashing), Crashed);
  // Backups after batches 2 and 4: the latest (epoch 0, batch 4) is now cut short.
  const std::string latest = backup + "/training_metadata.json";
  fs::resize_file(latest, fs::file_size(latest) / 2);
  auto second = net(99);
  BackupAndRestore restore(backup, opts);
  restore.set_model(second.get());
  restore.on_train_begin({});
  EXPECT_EQ(restore.restored_epoch(), 0);
  EXPECT_EQ(restore.restored_batch(), 2);
  ASSERT_TRUE(second->resume_from.has_value());
  EXPECT_EQ(second->resume_from->batch, 2);
  EXPECT_EQ(second->optimizer()->iterations(), 2);

  fs::resize_file(latest + ".bkp", 10);
  auto third = net(99);
  BackupAndRestore broken(backup, opts);
  broken.set_model(third.get());
  MZ_EXPECT_THROW_MSG(broken.on_train_begin({}), FormatError,
                      "BackupAndRestore \"" + backup +
                          "\": no readable backup: expected the "
                          "latest or the previous one to load, got: BackupAndRestore \"" +
                          latest + "\": expected a JSON object, got unreadable text");
}

TEST(BackupAndRestore, RejectsBadArgumentsAndUnbuiltModels) {
  MZ_EXPECT_THROW_MSG(BackupAndRestore(""), ValueError,
                      "BackupAndRestore: empty backup_dir: expected a directory path, got \"\".");
  MZ_EXPECT_THROW_MSG(BackupAndRestore("d", {.save_freq = std::string("batch")}), ValueError,
                      "BackupAndRestore: invalid value for save_freq: expected \"epoch\" or an "
                      "integer number of batches, got \"batch\".");
  MZ_EXPECT_THROW_MSG(BackupAndRestore("d", {.save_freq = int64_t{-1}}), ValueError,
                      "BackupAndRestore: save_freq must be \"epoch\" or a number of batches above "
                      "0, got -1.");
  Sequential unbuilt({L::Dense(2)}, {.name = "unbuilt"});
  BackupAndRestore b("d");
  b.set_model(&unbuilt);
  MZ_EXPECT_THROW_MSG(b.on_train_begin({}), ValueError,
                      "BackupAndRestore: to use the BackupAndRestore callback, the model must be "
                      "built before fit() is called: expected a built model, got Sequential "
                      "'unbuilt' unbuilt. Build it by calling it on a batch of data.");
}

}  // namespace
}  // namespace mz::callbacks
