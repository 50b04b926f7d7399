// TensorBoard: event files under log_dir/train and log_dir/validation hold fit's logs (read back
// through io's checking reader), batch scalars, histograms, the graph, and argument errors.
#include "mz/nn/callbacks/tensorboard.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "mz/mz.h"
#include "testing.h"

namespace mz::callbacks {
namespace {

namespace L = mz::layers;

std::filesystem::path temp_dir() {
  auto p = std::filesystem::temp_directory_path() /
           ("mz_tb_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(p);
  return p;
}

// The scalars of a file with `tag`, in order: (step, value).
std::vector<std::pair<int64_t, double>> scalars(const std::string& path, const std::string& tag) {
  std::vector<std::pair<int64_t, double>> out;
  for (const auto& e : io::read_event_values(path))
    if (e.tag == tag && e.has_simple_value) out.push_back({e.step, e.simple_value});
  return out;
}

TEST(TensorBoard, WritesEpochScalarsLikeKeras) {
  const auto dir = temp_dir();
  set_seed(3);
  Sequential model(
      {Input({3}), L::Dense(4, {.activation = "relu", .name = "d1"}), L::Dense(1, {.name = "d2"})});
  model.compile({.optimizer = "sgd", .loss = "mse", .metrics = {"mae"}});
  std::vector<float> xv(24), yv(8);
  for (int i = 0; i < 24; ++i) xv[i] = std::sin(0.3f * i);
  for (int i = 0; i < 8; ++i) yv[i] = std::cos(0.5f * i);
  auto tb = std::make_shared<TensorBoard>(
      dir.string(), TensorBoardOptions{.histogram_freq = 1, .update_freq = int64_t{2}});
  History h = model.fit(tensor(xv, Shape{8, 3}), tensor(yv, Shape{8, 1}),
                        {.batch_size = 2,
                         .epochs = 2,
                         .verbose = 0,
                         .callbacks = {tb},
                         .validation_split = 0.25,
                         .shuffle = false});

  const std::string train = tb->train_file(), val = tb->validation_file();
  EXPECT_EQ(std::filesystem::path(train).parent_path(), dir / "train");
  EXPECT_EQ(std::filesystem::path(val).parent_path(), dir / "validation");
  EXPECT_NE(std::filesystem::path(train).filename().string().find("tfevents"), std::string::npos);

  auto loss = scalars(train, "epoch_loss");
  ASSERT_EQ(loss.size(), 2u);
  for (int e = 0; e < 2; ++e) {
    EXPECT_EQ(loss[e].first, e);
    EXPECT_EQ(loss[e].second, static_cast<float>(h.history["loss"][e]));
  }
  auto mae = scalars(train, "epoch_mae");
  ASSERT_EQ(mae.size(), 2u);
  EXPECT_EQ(mae[1].second, static_cast<float>(h.history["mae"][1]));
  auto val_loss = scalars(val, "epoch_loss");
  ASSERT_EQ(val_loss.size(), 2u);
  EXPECT_EQ(val_loss[1].second, static_cast<float>(h.history["val_loss"][1]));
  EXPECT_TRUE(scalars(val, "epoch_val_loss").empty());

  // 6 training samples, batch 2: 3 batches per epoch, 6 in all; every 2nd is logged.
  auto batch_loss = scalars(train, "batch_loss");
  ASSERT_EQ(batch_loss.size(), 3u);
  EXPECT_EQ(batch_loss[0].first, 2);
  EXPECT_EQ(batch_loss[2].first, 6);

  int hist = 0, graph = 0;
  std::vector<io::EventValue> all = io::read_event_values(train);
  EXPECT_EQ(all[0].file_version, "brain.Event:2");
  for (const auto& e : all) {
    if (e.has_histogram) {
      ++hist;
      EXPECT_GT(e.histogram_num, 0);
    }
    if (e.tag == "keras") ++graph;
  }
  EXPECT_EQ(hist, 2 * 4);  // 4 weights, 2 epochs
  EXPECT_EQ(graph, 1);
  bool kernel_tag = false;
  for (const auto& e : all) kernel_tag |= e.tag == "d1/kernel/histogram";
  EXPECT_TRUE(kernel_tag);
  std::filesystem::remove_all(dir);
}

TEST(TensorBoard, RejectsBadArguments) {
  MZ_EXPECT_THROW_MSG(TensorBoard("logs", {.update_freq = std::string("step")}), ValueError,
                      "TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive "
                      "integer, got \"step\".");
  MZ_EXPECT_THROW_MSG(TensorBoard("logs", {.update_freq = int64_t{0}}), ValueError,
                      "a positive integer, got 0.");
  MZ_EXPECT_THROW_MSG(TensorBoard("logs", {.histogram_freq = -1}), ValueError,
                      "TensorBoard: histogram_freq must be >= 0, got -1.");
}

TEST(TensorBoard, EpochOnlyWritesNoBatchScalarsAndNoValidationDir) {
  const auto dir = temp_dir();
  Sequential model({Input({2}), L::Dense(1)});
  model.compile({.optimizer = "sgd", .loss = "mse"});
  auto tb = std::make_shared<TensorBoard>(dir.string(), TensorBoardOptions{.write_graph = false});
  model.fit(tensor(std::vector<float>{1, 2, 3, 4}, Shape{2, 2}),
            tensor(std::vector<float>{1, 0}, Shape{2, 1}),
            {.epochs = 1, .verbose = 0, .callbacks = {tb}});
  EXPECT_FALSE(std::filesystem::exists(dir / "validation"));
  std::vector<io::EventValue> all = io::read_event_values(tb->train_file());
  for (const auto& e : all) {
    EXPECT_EQ(e.tag.rfind("batch_", 0), std::string::npos) << e.tag;
    EXPECT_NE(e.tag, "keras");
  }
  EXPECT_EQ(scalars(tb->train_file(), "epoch_loss").size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mz::callbacks
