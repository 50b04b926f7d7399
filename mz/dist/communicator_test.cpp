// The collectives on the in-process backend: rank-order sums, averages, broadcasts, gathers,
// timeouts that name the missing ranks, and aborts that end every rank.
#include "mz/dist/communicator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>

#include "mz/dist/in_process.h"
#include "mz/dist/mpi_communicator.h"
#include "mz/ops/creation.h"
#include "testing.h"

namespace {

using mz::DType;
using mz::Tensor;
using mz::dist::Communicator;
using mz::dist::DistributedError;
using mz::dist::ReduceOp;
using mz::dist::run_in_process;

TEST(InProcess, AllReduceSumsInRankOrder) {
  // ((1e8 + 1) - 1e8) + 1 = 1 in float32 (1e8 + 1 rounds to 1e8); any other order gives 0 or 2.
  const float values[] = {1e8f, 1.0f, -1e8f, 1.0f};
  run_in_process(4, [&](Communicator& comm) {
    Tensor t = mz::tensor(std::vector<float>{values[comm.rank()], 2.0f * comm.rank()}, {2});
    comm.all_reduce(t);
    EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{1.0f, 12.0f}));
  });
}

TEST(InProcess, AverageDividesTheSumBySize) {
  run_in_process(3, [](Communicator& comm) {
    Tensor t = mz::tensor(std::vector<double>{1.0 + comm.rank(), -3.0 * comm.rank()}, {2});
    comm.all_reduce(t, ReduceOp::average);
    EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{6.0 / 3.0, -9.0 / 3.0}));
  });
}

TEST(InProcess, BroadcastCopiesTheRoot) {
  run_in_process(3, [](Communicator& comm) {
    Tensor t = mz::tensor(std::vector<double>{1.0 * comm.rank(), 10.0 * comm.rank()}, {2});
    comm.broadcast(t, 2);
    EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{2.0, 20.0}));
    std::string text = comm.rank() == 1 ? "from rank one" : "";
    comm.broadcast(text, 1);
    EXPECT_EQ(text, "from rank one");
  });
}

TEST(InProcess, AllGatherStacksInRankOrder) {
  run_in_process(3, [](Communicator& comm) {
    Tensor t = mz::tensor(std::vector<int64_t>{comm.rank(), 7}, {2});
    Tensor all = comm.all_gather(t);
    EXPECT_EQ(all.shape(), (mz::Shape{3, 2}));
    EXPECT_EQ(all.to_vector<int64_t>(), (std::vector<int64_t>{0, 7, 1, 7, 2, 7}));
    comm.barrier();
  });
}

TEST(InProcess, TimeoutNamesTheRanksThatDidNotArrive) {
  std::vector<std::string> messages(3);
  EXPECT_THROW(run_in_process(3,
                              [&](Communicator& comm) {
                                if (comm.rank() == 2) return;  // never joins the all-reduce
                                comm.set_timeout(comm.rank() == 0 ? 0.2 : 30.0);  // rank 0 gives up
                                comm.set_step("epoch 1, step 5");
                                Tensor t = mz::zeros({4}, {.dtype = DType::f64});
                                try {
                                  comm.all_reduce(t, ReduceOp::average, "gradients bucket 1 of 1");
                                } catch (const DistributedError& e) {
                                  messages[static_cast<std::size_t>(comm.rank())] = e.what();
                                  throw;
                                }
                              }),
               DistributedError);
  EXPECT_NE(messages[0].find("mz::dist all_reduce 'gradients bucket 1 of 1' at epoch 1, step 5: "
                             "timed out after 0.2 s on rank 0 of 3: rank 2 did not arrive."),
            std::string::npos)
      << messages[0];
  // Rank 0's failure ends rank 1's wait at once (its own timeout is 30 s).
  EXPECT_NE(messages[1].find("rank 0 of 3 aborted the job"), std::string::npos) << messages[1];
}

TEST(InProcess, ARankThatThrowsEndsTheOthers) {
  std::atomic<int> ended{0};
  MZ_EXPECT_THROW_MSG(
      run_in_process(3,
                     [&](Communicator& comm) {
                       if (comm.rank() == 1) throw mz::ValueError("boom on one");
                       Tensor t = mz::zeros({2}, {.dtype = DType::f64});
                       try {
                         comm.all_reduce(t);
                       } catch (const DistributedError& e) {
                         EXPECT_NE(std::string(e.what()).find("rank 1 of 3 aborted the job: rank 1 "
                                                              "failed: boom on one"),
                                   std::string::npos)
                             << e.what();
                         ++ended;
                         throw;
                       }
                     }),
      mz::ValueError, "boom on one");
  EXPECT_EQ(ended.load(), 2);
}

TEST(InProcess, RejectsIntegerAllReduceAndBadArguments) {
  run_in_process(2, [](Communicator& comm) {
    Tensor t = mz::tensor(std::vector<int64_t>{1, 2}, {2});
    MZ_EXPECT_THROW_MSG(comm.all_reduce(t, ReduceOp::sum, "counts"), mz::ValueError,
                        "mz::dist all_reduce 'counts': expected float32 or float64, got int64.");
    Tensor f = mz::zeros({2});
    MZ_EXPECT_THROW_MSG(comm.broadcast(f, 5, "w"), mz::ValueError,
                        "root must be a rank in [0, 2), got 5.");
    MZ_EXPECT_THROW_MSG(comm.set_timeout(0), mz::ValueError, "positive number of seconds, got 0");
  });
  MZ_EXPECT_THROW_MSG(mz::dist::in_process_world(0), mz::ValueError,
                      "size must be at least 1, got 0.");
}

TEST(InProcess, DeterministicFloat32SumIsBitwiseRepeatable) {
  std::vector<std::vector<float>> results(4);
  for (int run = 0; run < 2; ++run)
    run_in_process(4, [&](Communicator& comm) {
      std::vector<float> v(257);
      for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = std::sin(0.1f * static_cast<float>(i) + static_cast<float>(comm.rank())) * 1e3f;
      Tensor t = mz::tensor(v, {257});
      comm.all_reduce(t, ReduceOp::average);
      auto out = t.to_vector<float>();
      if (run == 0) {
        results[static_cast<std::size_t>(comm.rank())] = out;
      } else {
        EXPECT_EQ(out, results[static_cast<std::size_t>(comm.rank())]);
        EXPECT_EQ(out, results[0]);  // and every rank holds the same bits
      }
    });
}

TEST(InProcess, StartedAllReducesRunInOrderWithTheSameBits) {
  // Three started all-reduces, then a blocking one that must wait for them: each started
  // result equals the blocking all_reduce of the same values bit for bit (rank-order sum).
  const float values[] = {1e8f, 1.0f, -1e8f, 1.0f};
  run_in_process(4, [&](Communicator& comm) {
    const auto r = static_cast<float>(comm.rank());
    std::vector<Tensor> started;
    std::vector<std::shared_future<void>> done;
    for (int k = 0; k < 3; ++k) {
      started.push_back(mz::tensor(std::vector<float>{values[comm.rank()], 0.1f * r + k}, {2}));
      done.push_back(
          comm.start_all_reduce(started.back(), ReduceOp::average, mz::str("bucket ", k)));
    }
    Tensor blocking = mz::tensor(std::vector<double>{r}, {1});
    comm.all_reduce(blocking);  // waits for the started ones first
    EXPECT_EQ(blocking.item<double>(), 6.0);
    for (int k = 0; k < 3; ++k) {
      ASSERT_EQ(done[static_cast<std::size_t>(k)].wait_for(std::chrono::seconds(0)),
                std::future_status::ready);
      Tensor same = mz::tensor(std::vector<float>{values[comm.rank()], 0.1f * r + k}, {2});
      comm.all_reduce(same, ReduceOp::average);
      EXPECT_TRUE(mz::testing::all_equal(started[static_cast<std::size_t>(k)], same)) << k;
    }
    comm.wait_started();
  });
}

TEST(InProcess, AStartedAllReduceReportsItsErrorInTheFuture) {
  run_in_process(2, [](Communicator& comm) {
    comm.set_timeout(0.2);
    if (comm.rank() == 1) return;  // never joins
    Tensor t = mz::tensor(std::vector<double>{1.0}, {1});
    std::shared_future<void> done = comm.start_all_reduce(t, ReduceOp::sum, "late");
    MZ_EXPECT_THROW_MSG(done.get(), DistributedError,
                        "mz::dist all_reduce 'late': timed out after 0.2 s on rank 0 of 2: rank 1 "
                        "did not arrive.");
    Tensor strided = mz::zeros({4}).slice(0, 0, 4, 2);
    MZ_EXPECT_THROW_MSG(comm.start_all_reduce(strided), mz::ValueError,
                        "mz::dist all_reduce 'tensor': start_all_reduce expected a contiguous host "
                        "tensor, got one that is not contiguous.");
  });
}

TEST(Init, WithoutALauncherIsAWorldOfOne) {
  if (std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr) GTEST_SKIP() << "running under mpirun";
  mz::dist::CommunicatorPtr comm = mz::dist::init();
  EXPECT_EQ(comm->size(), 1);
  EXPECT_EQ(comm->rank(), 0);
  EXPECT_EQ(comm->backend(), "in_process");
  Tensor t = mz::tensor(std::vector<double>{1.5}, {1});
  comm->all_reduce(t, ReduceOp::average);
  EXPECT_EQ(t.item<double>(), 1.5);
}

}  // namespace
