// Data-parallel fit on the in-process backend (ranks as threads): equality with one process,
// rank 0's weights everywhere before step 1, the start-up checks, the ragged final batch, an
// agreed TerminateOnNaN and a rank's exception ending every rank.
#include "mz/nn/data_parallel.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <limits>
#include <mutex>

#include "dist/dist_models.h"
#include "mz/core/thread_pool.h"
#include "mz/dist/in_process.h"
#include "mz/nn/callbacks/backup_and_restore.h"
#include "mz/nn/callbacks/csv_logger.h"
#include "mz/nn/callbacks/early_stopping.h"
#include "mz/nn/callbacks/lambda_callback.h"
#include "mz/nn/callbacks/model_checkpoint.h"
#include "mz/nn/callbacks/terminate_on_nan.h"
#include "mz/nn/distributed_optimizer.h"
#include "mz/ops/arith.h"
#include "testing.h"

namespace {

using mz::Tensor;
using mz::dist::Communicator;
using mz::dist::run_in_process;
using mz::dist_testing::Case;
using mz::dist_testing::make_data;
using mz::dist_testing::make_model;
using mz::dist_testing::weights_of;
using mz::testing::all_close;
using mz::testing::all_equal;

// Models are built on the main thread (layer names come from a process-wide counter); the
// threads only train them. Kernels run single-threaded so every rank computes like one process.
std::vector<std::shared_ptr<mz::Sequential>> models_for(const Case& c, int ranks, bool same_seed) {
  std::vector<std::shared_ptr<mz::Sequential>> out;
  for (int r = 0; r < ranks; ++r) out.push_back(make_model(c, same_seed ? 7 : 7 + 1000 * r));
  return out;
}

void expect_matches_single_process(const Case& c, int ranks, int64_t batch = 16) {
  SCOPED_TRACE(mz::str(name(c), ", ", ranks, " ranks, global batch ", batch));
  mz::ThreadsGuard one_thread(1);
  const int64_t steps = 20;
  auto [x, y] = make_data(c, batch * steps);
  auto models = models_for(c, ranks, /*same_seed=*/false);
  run_in_process(ranks, [&](Communicator& comm) {
    auto& m = *models[static_cast<std::size_t>(comm.rank())];
    m.fit(x, y,
          {.batch_size = batch,
           .epochs = 1,
           .verbose = 0,
           .shuffle = false,
           .communicator = comm.shared_from_this()});
  });
  auto plain = make_model(c, 7);
  plain->fit(x, y, {.batch_size = batch, .epochs = 1, .verbose = 0, .shuffle = false});
  auto sharded = make_model(c, 7);
  mz::dist_testing::sharded_reference(*sharded, x, y, batch, ranks, steps);
  const double rtol = c.dtype == mz::DType::f64 ? 1e-12 : 1e-5;
  std::vector<Tensor> expected = weights_of(*plain), exact = weights_of(*sharded);
  for (int r = 0; r < ranks; ++r) {
    std::vector<Tensor> got = weights_of(*models[static_cast<std::size_t>(r)]);
    for (std::size_t k = 0; k < got.size(); ++k) {
      EXPECT_TRUE(all_close(got[k], expected[k], rtol, rtol)) << "rank " << r << " weight " << k;
      EXPECT_TRUE(all_equal(got[k], exact[k])) << "rank " << r << " weight " << k;
    }
  }
}

TEST(DataParallel, MlpMatchesOneProcess) {
  for (const char* opt : {"sgd", "adam"})
    for (mz::DType dtype : {mz::DType::f64, mz::DType::f32})
      for (int ranks : {2, 4}) expect_matches_single_process({"mlp", dtype, opt}, ranks);
}

TEST(DataParallel, GlobalBatch64MatchesOneProcess) {
  expect_matches_single_process({"mlp", mz::DType::f32, "sgd"}, 2, 64);
}

TEST(DataParallel, CnnMatchesOneProcess) {
  for (const char* opt : {"sgd", "adam"})
    expect_matches_single_process({"cnn", mz::DType::f64, opt}, 2);
  expect_matches_single_process({"cnn", mz::DType::f32, "adam"}, 4);
}

TEST(DataParallel, RanksHoldRankZerosWeightsBeforeStepOne) {
  mz::ThreadsGuard one_thread(1);
  Case c;
  auto [x, y] = make_data(c, 32);
  auto models = models_for(c, 3, /*same_seed=*/false);
  std::vector<Tensor> rank0_initial = weights_of(*models[0]);
  std::vector<std::vector<Tensor>> seen(3);
  std::mutex mutex;
  run_in_process(3, [&](Communicator& comm) {
    auto& m = *models[static_cast<std::size_t>(comm.rank())];
    auto record =
        std::make_shared<mz::callbacks::LambdaCallback>(mz::callbacks::LambdaCallbackOptions{
            .on_train_batch_begin = [&, r = comm.rank()](int64_t batch, const mz::Logs&) {
              std::lock_guard<std::mutex> lock(mutex);
              if (batch == 0)
                seen[static_cast<std::size_t>(r)] =
                    weights_of(*models[static_cast<std::size_t>(r)]);
            }});
    m.fit(x, y,
          {.batch_size = 15,
           .epochs = 1,
           .verbose = 0,
           .callbacks = {record},
           .communicator = comm.shared_from_this()});
  });
  for (int r = 0; r < 3; ++r)
    for (std::size_t k = 0; k < rank0_initial.size(); ++k)
      EXPECT_TRUE(all_equal(seen[static_cast<std::size_t>(r)][k], rank0_initial[k]))
          << "rank " << r << " weight " << k;
}

TEST(DataParallel, ADifferentModelNamesTheParameter) {
  mz::ThreadsGuard one_thread(1);
  Case c;
  auto [x, y] = make_data(c, 32);
  std::vector<std::shared_ptr<mz::Sequential>> models = {make_model(c, 1), make_model(c, 1),
                                                         make_model({"mlp_wide"}, 1)};
  std::vector<std::string> messages(3);
  EXPECT_THROW(
      run_in_process(
          3,
          [&](Communicator& comm) {
            auto r = static_cast<std::size_t>(comm.rank());
            try {
              models[r]->fit(
                  x, y, {.batch_size = 16, .verbose = 0, .communicator = comm.shared_from_this()});
            } catch (const mz::dist::DistributedError& e) {
              EXPECT_TRUE(e.agreed());
              messages[r] = e.what();
              throw;
            }
          }),
      mz::dist::DistributedError);
  for (const std::string& m : messages)
    EXPECT_NE(m.find("Model.fit (distributed): rank 2 built a different model from rank 0's: first "
                     "difference at parameter 0: rank 0 has \""),
              std::string::npos)
        << m;
  EXPECT_NE(messages[0].find("/kernel\" (5, 8) float64, rank 2 has \""), std::string::npos)
      << messages[0];
  EXPECT_NE(messages[0].find("/kernel\" (5, 9) float64."), std::string::npos) << messages[0];
}

TEST(DataParallel, ARankWithOneBatchFewerIsNamed) {
  mz::ThreadsGuard one_thread(1);
  Case c;
  auto models = models_for(c, 2, true);
  MZ_EXPECT_THROW_MSG(
      run_in_process(
          2,
          [&](Communicator& comm) {
            auto [x, y] = make_data(c, comm.rank() == 1 ? 48 : 64);
            models[static_cast<std::size_t>(comm.rank())]->fit(
                x, y, {.batch_size = 16, .verbose = 0, .communicator = comm.shared_from_this()});
          }),
      mz::dist::DistributedError,
      "Model.fit (distributed): rank 1 called fit differently from rank 0: samples is 64 on rank "
      "0 but 48 on rank 1 (4 batches of 16 against 3).");
}

TEST(DataParallel, RaggedFinalBatchIsAveragedByRows) {
  // 70 samples, global batch 16, 4 ranks: four full batches, then 6 rows shared 1, 2, 1, 2.
  mz::ThreadsGuard one_thread(1);
  Case c;
  auto [x, y] = make_data(c, 70);
  auto models = models_for(c, 4, true);
  run_in_process(4, [&](Communicator& comm) {
    models[static_cast<std::size_t>(comm.rank())]->fit(x, y,
                                                       {.batch_size = 16,
                                                        .epochs = 2,
                                                        .verbose = 0,
                                                        .shuffle = false,
                                                        .communicator = comm.shared_from_this()});
  });
  auto plain = make_model(c, 7);
  plain->fit(x, y, {.batch_size = 16, .epochs = 2, .verbose = 0, .shuffle = false});
  std::vector<Tensor> expected = weights_of(*plain), got = weights_of(*models[3]);
  for (std::size_t k = 0; k < got.size(); ++k)
    EXPECT_TRUE(all_close(got[k], expected[k], 1e-12, 1e-12)) << "weight " << k;
  // A tail shorter than the rank count is left out: 66 samples train like the first 64.
  auto [x66, y66] = make_data(c, 66);
  auto models66 = models_for(c, 4, true);
  run_in_process(4, [&](Communicator& comm) {
    models66[static_cast<std::size_t>(comm.rank())]->fit(x66, y66,
                                                         {.batch_size = 16,
                                                          .verbose = 0,
                                                          .shuffle = false,
                                                          .communicator = comm.shared_from_this()});
  });
  auto plain64 = make_model(c, 7);
  plain64->fit(x66.slice(0, 0, 64), y66.slice(0, 0, 64),
               {.batch_size = 16, .verbose = 0, .shuffle = false});
  expected = weights_of(*plain64);
  got = weights_of(*models66[0]);
  for (std::size_t k = 0; k < got.size(); ++k)
    EXPECT_TRUE(all_close(got[k], expected[k], 1e-12, 1e-12)) << "weight " << k;
}

TEST(DataParallel, NanOnOneRankStopsEveryRankAtTheSameStep) {
  mz::ThreadsGuard one_thread(1);
  Case c;
  auto [x, y] = make_data(c, 96);
  // Row 50 sits in global batch 3 (rows 48..63), in rank 0's shard of 2 ranks.
  Tensor x_nan = x.clone();
  x_nan.slice(0, 50, 51).fill_(std::numeric_limits<double>::quiet_NaN());
  auto models = models_for(c, 2, true);
  std::vector<std::size_t> epochs(2);
  std::vector<int64_t> batches(2);
  run_in_process(2, [&](Communicator& comm) {
    auto r = static_cast<std::size_t>(comm.rank());
    // Only rank 0 sees the NaN in its data; the averaged loss carries it to rank 1.
    auto last =
        std::make_shared<mz::callbacks::LambdaCallback>(mz::callbacks::LambdaCallbackOptions{
            .on_train_batch_end = [&, r](int64_t batch, const mz::Logs&) { batches[r] = batch; }});
    mz::History h = models[r]->fit(r == 0 ? x_nan : x, y,
                                   {.batch_size = 16,
                                    .epochs = 3,
                                    .verbose = 0,
                                    .callbacks = {last, mz::callbacks::TerminateOnNaN()},
                                    .shuffle = false,
                                    .communicator = comm.shared_from_this()});
    epochs[r] = h.epoch.size();
  });
  EXPECT_EQ(batches[0], 3);  // batch index 3: the fourth step
  EXPECT_EQ(batches[1], 3);
  EXPECT_EQ(epochs[0], 1u);
  EXPECT_EQ(epochs[0], epochs[1]);
}

TEST(DataParallel, ARankThatThrowsEndsEveryRank) {
  mz::ThreadsGuard one_thread(1);
  Case c;
  auto [x, y] = make_data(c, 128);
  auto models = models_for(c, 3, true);
  std::vector<std::string> messages(3);
  MZ_EXPECT_THROW_MSG(run_in_process(
                          3,
                          [&](Communicator& comm) {
                            auto r = static_cast<std::size_t>(comm.rank());
                            auto thrower = std::make_shared<mz::callbacks::LambdaCallback>(
                                mz::callbacks::LambdaCallbackOptions{
                                    .on_train_batch_begin = [r](int64_t batch, const mz::Logs&) {
                                      if (r == 2 && batch == 5)
                                        throw mz::ValueError("injected failure");
                                    }});
                            try {
                              models[r]->fit(x, y,
                                             {.batch_size = 15,
                                              .verbose = 0,
                                              .callbacks = {thrower},
                                              .communicator = comm.shared_from_this()});
                            } catch (const std::exception& e) {
                              messages[r] = e.what();
                              throw;
                            }
                          },
                          30.0),
                      mz::ValueError, "injected failure");
  for (int r : {0, 1})
    EXPECT_NE(
        messages[static_cast<std::size_t>(r)].find(
            "aborted the job: mz::dist: rank 2 of 3 failed at epoch 1, step 6: injected failure"),
        std::string::npos)
        << messages[static_cast<std::size_t>(r)];
}

TEST(DataParallel, BackupAndRestoreOnRankZeroResumesEveryRank) {
  mz::ThreadsGuard one_thread(1);
  Case c{"mlp", mz::DType::f64, "adam"};
  auto [x, y] = make_data(c, 64);
  const std::string dir =
      (std::filesystem::temp_directory_path() / mz::str("mz_dist_backup_", ::getpid())).string();
  std::filesystem::remove_all(dir);
  auto fit = [&](std::vector<std::shared_ptr<mz::Sequential>>& models, bool backup,
                 int fail_in_epoch) {
    run_in_process(2, [&](Communicator& comm) {
      auto r = static_cast<std::size_t>(comm.rank());
      auto epoch_now = std::make_shared<int>(0);
      auto fail =
          std::make_shared<mz::callbacks::LambdaCallback>(mz::callbacks::LambdaCallbackOptions{
              .on_epoch_begin = [epoch_now](int epoch, const mz::Logs&) { *epoch_now = epoch; },
              .on_train_batch_begin =
                  [=](int64_t batch, const mz::Logs&) {
                    if (r == 1 && *epoch_now == fail_in_epoch && batch == 2)
                      throw mz::ValueError("interrupted");
                  }});
      std::vector<mz::CallbackSpec> callbacks = {fail};
      if (backup) callbacks.push_back(mz::callbacks::BackupAndRestore(dir));
      models[r]->fit(x, y,
                     {.batch_size = 16,
                      .epochs = 3,
                      .verbose = 0,
                      .callbacks = callbacks,
                      .communicator = comm.shared_from_this()});
    });
  };
  auto straight = models_for(c, 2, /*same_seed=*/false);
  fit(straight, /*backup=*/false, /*fail_in_epoch=*/-1);
  auto interrupted = models_for(c, 2, /*same_seed=*/false);
  MZ_EXPECT_THROW_MSG(fit(interrupted, true, 1), mz::ValueError, "interrupted");
  // New models with other weights: rank 0 restores the backup, rank 1 receives it.
  std::vector<std::shared_ptr<mz::Sequential>> resumed = {make_model(c, 50), make_model(c, 51)};
  fit(resumed, true, -1);
  std::filesystem::remove_all(dir);
  std::vector<Tensor> expected = weights_of(*straight[0]);
  for (int r = 0; r < 2; ++r) {
    std::vector<Tensor> got = weights_of(*resumed[static_cast<std::size_t>(r)]);
    for (std::size_t k = 0; k < got.size(); ++k)
      EXPECT_TRUE(all_equal(got[k], expected[k])) << "rank " << r << " weight " << k;
  }
}

TEST(DataParallel, OnlyRankZeroKeepsCallbacksThatWrite) {
  auto comms = mz::dist::in_process_world(2);
  std::vector<mz::CallbackSpec> given = {
      mz::callbacks::ModelCheckpoint("m.keras"), mz::callbacks::EarlyStopping(),
      mz::callbacks::CSVLogger("log.csv"), mz::callbacks::BackupAndRestore("backup")};
  EXPECT_EQ(mz::dist::detail::rank_callbacks(*comms[0], given).size(), 4u);
  std::vector<mz::CallbackSpec> rank1 = mz::dist::detail::rank_callbacks(*comms[1], given);
  ASSERT_EQ(rank1.size(), 1u);
  EXPECT_NE(dynamic_cast<mz::callbacks::EarlyStopping*>(rank1[0].get().get()), nullptr);
}

TEST(DistributedOptimizer, BucketsRunInReverseVariableOrder) {
  Case c;
  auto m = make_model(c, 3);
  auto comm = mz::dist::in_process_world(1).front();
  mz::DistributedOptimizer reducer(m->optimizer(), comm,
                                   {.first_bucket_mb = 1e-4, .bucket_cap_mb = 1e-3});
  reducer.set_sample_share(3, 4);  // a share other than 1 forces the reduce on one rank
  auto [x, y] = make_data(c, 4);
  Tensor loss = (*m->loss())(y, (*m)(x, true), Tensor());
  loss.backward();
  std::vector<mz::VariablePtr> vars = m->trainable_weights();
  Tensor g_before = vars[0]->value.grad().clone();
  reducer.reduce_gradients(vars);
  // kernel (5, 8), bias 8, kernel (8, 3), bias 3; 1e-4 MB = 104 bytes: the first bucket closes
  // after the last bias (24 B) and kernel (192 B); later ones hold up to 1048 bytes.
  ASSERT_EQ(reducer.last_buckets().size(), 2u);
  EXPECT_EQ(reducer.last_buckets()[0], (std::vector<std::size_t>{3, 2}));
  EXPECT_EQ(reducer.last_buckets()[1], (std::vector<std::size_t>{1, 0}));
  EXPECT_TRUE(all_close(vars[0]->value.grad(), g_before * 0.75, 1e-15));
  MZ_EXPECT_THROW_MSG(mz::DistributedOptimizer(nullptr, comm), mz::ValueError,
                      "DistributedOptimizer: expected an optimizer, got null.");
}

}  // namespace
