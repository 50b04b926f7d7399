// Reliability tests (specs/reliability.md R1, R3, and load_model's verify): the kill hook of
// atomic writes, BackupAndRestore falling back from a corrupt latest backup (truncated, a
// flipped byte) to the previous one and failing clearly when both are corrupt, callback and
// Nadam state carried through a backup, and load_model(path, {.verify = true}).
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "mz/io/file.h"
#include "mz/io/h5_weights.h"
#include "mz/io/keras_file.h"
#include "mz/io/test_files.h"
#include "mz/io/zip_archive.h"
#include "mz/nn/callbacks/backup_and_restore.h"
#include "mz/nn/callbacks/early_stopping.h"
#include "mz/nn/callbacks/reduce_lr_on_plateau.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/dropout.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/nadam.h"
#include "mz/ops/creation.h"
#include "mz/ops/random.h"
#include "testing.h"

namespace mz {
namespace {

namespace fs = std::filesystem;
namespace L = layers;
using callbacks::BackupAndRestore;
using callbacks::BackupAndRestoreOptions;
using mz::testing::TempDir;

#define MZ_REQUIRE_FILES()                                    \
  if (!io::detail::have_hdf5() || !io::detail::have_libzip()) \
  GTEST_SKIP() << "merezha was built without libhdf5 or libzip"

// A small net with dropout and Nadam, built; its initial weights follow `seed`.
std::shared_ptr<Sequential> net(uint64_t seed) {
  set_seed(seed);
  auto m = std::make_shared<Sequential>(std::vector<LayerPtr>{
      Input({3}), L::Dense(8, {.activation = "relu"}), L::Dropout(0.3), L::Dense(2)});
  m->compile({.optimizer = optimizers::Nadam(), .loss = "mse"});
  m->predict(zeros({1, 3}));
  return m;
}

struct Crashed {};

// Throws from on_train_batch_end after `after` batches.
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

std::vector<std::vector<double>> state_of(const Model& m) {
  std::vector<std::vector<double>> out;
  for (const Tensor& w : m.get_weights()) out.push_back(w.to_vector<double>());
  for (const Tensor& v : m.optimizer()->variables()) out.push_back(v.to_vector<double>());
  return out;
}

void flip_byte(const std::string& path, std::size_t at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(at));
  f.put(static_cast<char>(c ^ 0x5a));
}

std::string weights_file_of(const std::string& metadata) {
  std::ifstream in(metadata);
  return Json::parse(in)["weights_file"].get<std::string>();
}

// Fits with backups every 2 batches (double_checkpoint) and a crash after 5 batches: the
// latest backup is at batch 4, the previous one at batch 2.
std::string crashed_backup(const TempDir& dir) {
  const std::string backup = dir.file("b");
  auto first = net(7);
  Data d = data();
  EXPECT_THROW(first->fit(d.x, d.y,
                          {.batch_size = 4,
                           .epochs = 3,
                           .verbose = 0,
                           .callbacks = {BackupAndRestore(backup, {.save_freq = int64_t{2},
                                                                   .double_checkpoint = true}),
                                         Crash(5)}}),
               Crashed);
  return backup;
}

// Restores the backup into a fresh model; returns the batch restored and the stderr text.
std::pair<int64_t, std::string> restore(const std::string& backup) {
  auto m = net(99);
  BackupAndRestore b(backup, {.save_freq = int64_t{2}, .double_checkpoint = true});
  b.set_model(m.get());
  ::testing::internal::CaptureStderr();
  try {
    b.on_train_begin({});
  } catch (...) {
    ::testing::internal::GetCapturedStderr();
    throw;
  }
  return {b.restored_batch(), ::testing::internal::GetCapturedStderr()};
}

// The child of KillHookDiesHalfwayAndLeavesTheOldFile (run only by it, in a fresh process,
// since the hook reads its variable once per process): two atomic writes in MZ_KILL_CHILD_DIR.
TEST(AtomicWrite, KillHookChild) {
  const char* dir = std::getenv("MZ_KILL_CHILD_DIR");
  if (!dir) GTEST_SKIP() << "run by AtomicWrite.KillHookDiesHalfwayAndLeavesTheOldFile";
  const std::string text(1000, 'x');
  io::detail::write_file_atomic(str(dir, "/first.bin"), {{text.data(), text.size()}}, "t");
  io::detail::write_file_atomic(str(dir, "/f.bin"), {{text.data(), 400}, {text.data(), 600}}, "t");
}

TEST(AtomicWrite, KillHookDiesHalfwayAndLeavesTheOldFile) {
  TempDir dir;
  const std::string path = dir.file("f.bin");
  const std::string old_text = "old contents";
  io::detail::write_file_atomic(path, {{old_text.data(), old_text.size()}}, "t");
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setenv("MEREZHA_TEST_KILL_IN_WRITE", "2", 1);
    ::setenv("MZ_KILL_CHILD_DIR", dir.path().c_str(), 1);
    ::execl("/proc/self/exe", "mz_reliability_test", "--gtest_filter=AtomicWrite.KillHookChild",
            static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_EQ(fs::file_size(dir.file("first.bin")), 1000u) << "the first write completed";
  EXPECT_EQ(fs::file_size(path), old_text.size()) << "the target keeps its old contents";
  int temporaries = 0;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().find("f.bin.tmp.") == 0) {
      ++temporaries;
      EXPECT_EQ(fs::file_size(e.path()), 500u) << "half of the 1000 bytes";
    }
  EXPECT_EQ(temporaries, 1);
}

TEST(BackupAndRestoreR3, FlippedByteInTheLatestWeightsFallsBackWithAWarning) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  const std::string backup = crashed_backup(dir);
  const std::string latest = backup + "/training_metadata.json";
  const std::string weights = backup + "/" + weights_file_of(latest);
  flip_byte(weights, fs::file_size(weights) - 100);  // in the data, past the HDF5 headers
  auto [batch, err] = restore(backup);
  EXPECT_EQ(batch, 2);
  EXPECT_NE(err.find("WARNING: BackupAndRestore: the latest backup \"" + latest + "\""),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("BackupAndRestore \"" + weights + "\": expected "), std::string::npos) << err;
  EXPECT_NE(err.find("(a corrupt or incomplete file)"), std::string::npos) << err;
}

TEST(BackupAndRestoreR3, TruncatedLatestWeightsFallsBack) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  const std::string backup = crashed_backup(dir);
  const std::string latest = backup + "/training_metadata.json";
  const std::string weights = backup + "/" + weights_file_of(latest);
  fs::resize_file(weights, fs::file_size(weights) / 2);
  auto [batch, err] = restore(backup);
  EXPECT_EQ(batch, 2);
  EXPECT_NE(err.find(weights), std::string::npos) << err;
}

TEST(BackupAndRestoreR3, FlippedByteInTheLatestMetadataFallsBack) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  const std::string backup = crashed_backup(dir);
  const std::string latest = backup + "/training_metadata.json";
  // "batch": 4 -> "batch": 5 still parses; only the checksum tells.
  std::ifstream in(latest);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::size_t at = text.find("\"batch\": 4");
  ASSERT_NE(at, std::string::npos) << text;
  text[at + 9] = '5';
  std::ofstream(latest, std::ios::trunc) << text;
  auto [batch, err] = restore(backup);
  EXPECT_EQ(batch, 2);
  EXPECT_NE(err.find("BackupAndRestore \"" + latest + "\": expected CRC-32C "), std::string::npos)
      << err;
}

TEST(BackupAndRestoreR3, BothBackupsCorruptIsAClearError) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  const std::string backup = crashed_backup(dir);
  const std::string latest = backup + "/training_metadata.json";
  const std::string w_latest = backup + "/" + weights_file_of(latest);
  const std::string w_previous = backup + "/" + weights_file_of(latest + ".bkp");
  ASSERT_NE(w_latest, w_previous);
  flip_byte(w_latest, fs::file_size(w_latest) - 100);
  fs::resize_file(w_previous, 10);
  MZ_EXPECT_THROW_MSG(restore(backup), FormatError,
                      "BackupAndRestore \"" + backup +
                          "\": no readable backup: expected the latest or the previous one to "
                          "load, got: BackupAndRestore \"" +
                          w_latest + "\": expected ");
  MZ_EXPECT_THROW_MSG(restore(backup), FormatError,
                      " and: BackupAndRestore \"" + w_previous + "\": expected ");
}

// Resumes a crashed fit (Nadam, dropout, shuffling, EarlyStopping with best weights and
// ReduceLROnPlateau beside the backup) and compares with an uninterrupted fit: weights,
// optimizer variables and both callbacks' state bitwise.
TEST(BackupAndRestoreR2, CallbackAndNadamStateResumeBitIdentical) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  Data d = data();
  const std::string backup = dir.file("b");
  auto es = [] {
    return std::make_shared<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{
        .monitor = "loss", .patience = 10, .restore_best_weights = true});
  };
  auto rl = [] {
    return std::make_shared<callbacks::ReduceLROnPlateau>(callbacks::ReduceLROnPlateauOptions{
        .monitor = "val_loss", .factor = 0.5, .patience = 1, .min_delta = 100.0, .cooldown = 1});
  };
  auto fit_with = [&](Model& m, std::vector<CallbackSpec> cbs) {
    m.fit(d.x, d.y,
          {.batch_size = 4,
           .epochs = 4,
           .verbose = 0,
           .callbacks = std::move(cbs),
           .validation_data = std::make_pair(Tensors(d.x), Tensors(d.y))});
  };
  auto straight = net(7);
  auto es_a = es();
  auto rl_a = rl();
  fit_with(*straight, {es_a, rl_a});

  auto first = net(7);
  // The crash after 12 batches: the last backup is at the end of epoch 1 (epoch backups), so
  // the loss tracker EarlyStopping watches is whole.
  EXPECT_THROW(fit_with(*first, {BackupAndRestore(backup), es(), rl(), Crash(12)}), Crashed);
  auto resumed = net(99);
  auto es_b = es();
  auto rl_b = rl();
  fit_with(*resumed, {BackupAndRestore(backup), es_b, rl_b});
  EXPECT_EQ(state_of(*resumed), state_of(*straight));
  EXPECT_EQ(resumed->optimizer()->learning_rate(), straight->optimizer()->learning_rate());
  std::vector<Tensor> ta, tb;
  EXPECT_EQ(es_b->checkpoint_state(tb), es_a->checkpoint_state(ta));
  EXPECT_EQ(rl_b->checkpoint_state(tb), rl_a->checkpoint_state(ta));
  EXPECT_EQ(es_b->best_epoch(), es_a->best_epoch());
}

TEST(BackupAndRestoreR2, OtherCallbacksOnResumeStartAfreshWithAWarning) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  const std::string backup = crashed_backup(dir);  // its fit had no stateful callbacks
  Data d = data();
  auto m = net(99);
  ::testing::internal::CaptureStderr();
  m->fit(
      d.x, d.y,
      {.batch_size = 4,
       .epochs = 3,
       .verbose = 0,
       .callbacks = {BackupAndRestore(backup, {.save_freq = int64_t{2}, .double_checkpoint = true}),
                     callbacks::EarlyStopping({.monitor = "loss", .patience = 5})}});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("WARNING: BackupAndRestore \"" + backup +
                     "/training_metadata.json\": the backup holds the state of 0 callbacks "
                     "(EarlyStopping, ReduceLROnPlateau, ...), this fit has 1; their state is "
                     "not restored, so the resumed run may differ."),
            std::string::npos)
      << err;
  EXPECT_EQ(m->optimizer()->iterations(), 15);  // resumed at batch 4 of 15
}

TEST(BackupAndRestoreR2, CallbackStateRoundTripsThroughJson) {
  callbacks::EarlyStopping a({.monitor = "loss", .patience = 3});
  std::vector<Tensor> none;
  Json s = a.checkpoint_state(none);
  s["wait"] = 2;
  s["best"] = detail::double_bits(-std::numeric_limits<double>::infinity());
  callbacks::EarlyStopping b({.monitor = "loss", .patience = 3});
  b.restore_checkpoint_state(s, {});
  EXPECT_EQ(b.wait(), 2);
  EXPECT_EQ(b.best(), -std::numeric_limits<double>::infinity());
  s.erase("wait");
  MZ_EXPECT_THROW_MSG(b.restore_checkpoint_state(s, {}), FormatError,
                      "EarlyStopping state: expected a key \"wait\", got none.");
  callbacks::ReduceLROnPlateau r;
  Json rs = r.checkpoint_state(none);
  rs["cooldown_counter"] = "x";
  MZ_EXPECT_THROW_MSG(r.restore_checkpoint_state(rs, {}), FormatError,
                      "ReduceLROnPlateau state: \"cooldown_counter\": expected an integer, got "
                      "\"x\".");
}

TEST(NadamState, SavesAndLoadsWithItsMomentumCache) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  Data d = data();
  auto a = net(7);
  a->fit(d.x, d.y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  save_model(*a, dir.file("a.keras"));
  auto b = load_model(dir.file("a.keras"));
  EXPECT_EQ(state_of(*b), state_of(*a));
  EXPECT_EQ(b->optimizer()->variables().size(), 2u + 2u * 4u + 1u);  // iterations, rate, m, v, P
  // Both continue identically (the cache follows from iterations, so it is exact after a
  // load), given the same dropout draws.
  set_seed(5);
  a->fit(d.x, d.y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  set_seed(5);
  b->fit(d.x, d.y, {.batch_size = 4, .epochs = 1, .verbose = 0, .shuffle = false});
  EXPECT_EQ(state_of(*b), state_of(*a));
}

TEST(LoadModelVerify, AGoodFileVerifies) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  auto a = net(7);
  save_model(*a, dir.file("a.keras"));
  auto b = load_model(dir.file("a.keras"), {.verify = true});
  EXPECT_EQ(b->predict(ones({2, 3})).to_vector<float>(),
            a->predict(ones({2, 3})).to_vector<float>());
}

TEST(LoadModelVerify, AlteredWeightsFailWithTheMaxDifference) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  save_model(*net(7), dir.file("a.keras"));
  save_model(*net(8), dir.file("b.keras"));
  // a.keras with b.keras's weights: a valid archive that no longer matches its pair.
  std::vector<io::detail::ZipMember> a = io::detail::read_zip(dir.file("a.keras"), "t");
  std::vector<io::detail::ZipMember> b = io::detail::read_zip(dir.file("b.keras"), "t");
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(a[2].name, "model.weights.h5");
  a[2].bytes = b[2].bytes;
  const std::string altered = dir.file("altered.keras");
  const std::vector<uint8_t> image = io::detail::make_zip(a, "t");
  io::detail::write_file_atomic(altered, {{image.data(), image.size()}}, "t");
  EXPECT_NO_THROW(load_model(altered));  // without verify the change goes unnoticed
  MZ_EXPECT_THROW_MSG(load_model(altered, {.verify = true}), FormatError,
                      "load_model \"" + altered +
                          "\": verify failed: output 0 differs from the recorded one: expected at "
                          "most 1e-6 relative, got a max difference of ");
}

TEST(LoadModelVerify, FilesWithoutAPairCannotBeVerified) {
  MZ_REQUIRE_FILES();
  TempDir dir;
  save_model(*net(7), dir.file("a.keras"));
  std::vector<io::detail::ZipMember> a = io::detail::read_zip(dir.file("a.keras"), "t");
  a.pop_back();  // as Keras writes it: no assets/merezha_verify.h5
  const std::string keras = dir.file("keras.keras");
  const std::vector<uint8_t> image = io::detail::make_zip(a, "t");
  io::detail::write_file_atomic(keras, {{image.data(), image.size()}}, "t");
  EXPECT_NO_THROW(load_model(keras));
  MZ_EXPECT_THROW_MSG(load_model(keras, {.verify = true}), FormatError,
                      "load_model \"" + keras +
                          "\": cannot verify: expected a member \"assets/merezha_verify.h5\" "
                          "(written by merezha's save_model), got none.");
}

}  // namespace
}  // namespace mz
