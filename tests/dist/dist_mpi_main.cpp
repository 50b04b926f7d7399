// mz_dist_mpi: the data-parallel acceptance under mpirun (tests/dist/CMakeLists.txt runs it with
// -np 1, 2 and 4). `mz_dist_mpi equal` trains an MLP and a CNN in float32 and float64 with SGD +
// momentum and Adam at global batch 64 for 20 steps and checks, on every rank, rank 0's weights
// before step 1 and the weights after step 20 against one process (1e-12 f64, 1e-5 f32) and
// against the sharded reference (bitwise). The other scenarios make one rank fail (a different
// model, an exception at step 5, one batch fewer, a NaN, SIGKILL, a hang); each must end every
// rank with a non-zero exit and a message naming the rank (run_failure.sh checks).
// `mz_dist_mpi sum` checks the all-reduce against a rank-order sum; `mz_dist_mpi threads` the
// kernel threads dist::init() gives each rank. For debugging: DIST_STEPS
// (steps, default 20), DIST_ONLY (one case, e.g. mlp_float32_sgd), MZ_DIST_DEVICE=ref.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>
#include <thread>

#include "dist_models.h"
#include "mz/core/thread_pool.h"
#include "mz/dist/communicator.h"
#include "mz/nn/callbacks/lambda_callback.h"
#include "mz/nn/callbacks/terminate_on_nan.h"
#include "mz/ops/arith.h"

namespace {

using mz::Tensor;
using mz::dist_testing::Case;

constexpr int64_t kBatch = 64;
const int64_t kSteps = std::getenv("DIST_STEPS") ? std::atoll(std::getenv("DIST_STEPS")) : 20;

// The largest over the weights of max |a - b| / max |b| (each weight's difference relative to
// its own scale, as tests/mlp_parity_test.cpp measures "relative"); *bitwise: all equal.
double max_rel(const std::vector<Tensor>& a, const std::vector<Tensor>& b, bool* bitwise) {
  double worst = 0.0;
  *bitwise = true;
  for (std::size_t k = 0; k < a.size(); ++k) {
    auto x = a[k].to_vector<double>(), y = b[k].to_vector<double>();
    double diff = 0.0, scale = 1e-30;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (x[i] != y[i]) *bitwise = false;
      diff = std::max(diff, std::abs(x[i] - y[i]));
      scale = std::max(scale, std::abs(y[i]));
    }
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

int run_equal(mz::dist::Communicator& comm) {
  int failures = 0;
  for (const Case& c : std::vector<Case>{{"mlp", mz::DType::f64, "sgd"},
                                         {"mlp", mz::DType::f64, "adam"},
                                         {"mlp", mz::DType::f32, "sgd"},
                                         {"mlp", mz::DType::f32, "adam"},
                                         {"cnn", mz::DType::f64, "sgd"},
                                         {"cnn", mz::DType::f64, "adam"},
                                         {"cnn", mz::DType::f32, "sgd"},
                                         {"cnn", mz::DType::f32, "adam"}}) {
    const char* only = std::getenv("DIST_ONLY");
    if (only && mz::dist_testing::name(c) != only) continue;
    auto [x, y] = mz::dist_testing::make_data(c, kBatch * kSteps);
    // Every rank draws its own weights (seed per rank); fit must replace them with rank 0's.
    auto model = mz::dist_testing::make_model(c, 7 + 1000 * comm.rank());
    std::vector<Tensor> before;
    auto record =
        std::make_shared<mz::callbacks::LambdaCallback>(mz::callbacks::LambdaCallbackOptions{
            .on_train_batch_begin = [&](int64_t batch, const mz::Logs&) {
              if (batch == 0) before = mz::dist_testing::weights_of(*model);
            }});
    model->fit(x, y,
               {.batch_size = kBatch,
                .epochs = 1,
                .verbose = 0,
                .callbacks = {record},
                .shuffle = false,
                .communicator = comm.shared_from_this()});
    auto initial = mz::dist_testing::make_model(c, 7);  // rank 0's weights, redrawn here
    bool bitwise = false;
    const double start_diff = max_rel(before, mz::dist_testing::weights_of(*initial), &bitwise);
    const bool start_ok = bitwise;
    initial->fit(x, y, {.batch_size = kBatch, .epochs = 1, .verbose = 0, .shuffle = false});
    auto sharded = mz::dist_testing::make_model(c, 7);
    mz::dist_testing::sharded_reference(*sharded, x, y, kBatch, comm.size(), kSteps);
    std::vector<Tensor> got = mz::dist_testing::weights_of(*model);
    bool plain_bitwise = false, sharded_bitwise = false;
    const double plain = max_rel(got, mz::dist_testing::weights_of(*initial), &plain_bitwise);
    max_rel(got, mz::dist_testing::weights_of(*sharded), &sharded_bitwise);
    const double tol = c.dtype == mz::DType::f64 ? 1e-12 : 1e-5;
    const bool ok = start_ok && plain <= tol && sharded_bitwise;
    failures += ok ? 0 : 1;
    std::printf(
        "rank %d of %d: %s: start %s (max rel %.3g), after %lld steps max rel vs one "
        "process %.3g (limit %.0e), sharded reference %s: %s\n",
        comm.rank(), comm.size(), mz::dist_testing::name(c).c_str(),
        start_ok ? "bitwise rank 0's" : "DIFFERS", start_diff, static_cast<long long>(kSteps),
        plain, tol, sharded_bitwise ? "bitwise equal" : "DIFFERS", ok ? "ok" : "FAILED");
  }
  return failures == 0 ? 0 : 1;
}

// The deterministic all-reduce against the rank-order sum computed locally, float32 and
// float64, over sizes that do and do not divide by the rank count.
int run_sum(mz::dist::Communicator& comm) {
  int failures = 0;
  for (mz::DType dtype : {mz::DType::f32, mz::DType::f64})
    for (int64_t count : {1, 7, 64, 1000, 100003}) {
      auto values = [&](int r) {
        std::vector<double> v(static_cast<std::size_t>(count));
        for (std::size_t i = 0; i < v.size(); ++i)
          v[i] = std::sin(0.7 * static_cast<double>(i) + r) * (1 + r);
        return mz::tensor(v, mz::Shape{count}).to(dtype);
      };
      Tensor t = values(comm.rank());
      comm.all_reduce(t, mz::dist::ReduceOp::average, "check");
      Tensor expected = values(0);
      for (int r = 1; r < comm.size(); ++r) expected = expected + values(r);
      expected = expected / static_cast<double>(comm.size());
      bool bitwise = false;
      max_rel({t}, {expected}, &bitwise);
      if (!bitwise) {
        ++failures;
        std::printf("rank %d: all_reduce of %lld %s differs from the rank-order sum\n", comm.rank(),
                    static_cast<long long>(count), mz::dtype_name(dtype));
      }
    }
  if (failures == 0)
    std::printf("rank %d of %d: all_reduce sums in rank order: ok\n", comm.rank(), comm.size());
  return failures == 0 ? 0 : 1;
}

// One rank (the last, or rank 1) misbehaves as `scenario` says.
int run_failure(mz::dist::Communicator& comm, const std::string& scenario) {
  const int bad = comm.size() - 1;
  const bool me = comm.rank() == bad;
  comm.set_timeout(5.0);
  Case c;
  int64_t n = kBatch * 8;
  if (scenario == "batch_fewer" && me) n -= kBatch;
  auto [x, y] = mz::dist_testing::make_data(c, n);
  if (scenario == "nan" && me)  // the last row of global batch 3 (step 4): this rank's shard
    x.slice(0, 4 * kBatch - 1, 4 * kBatch).fill_(std::numeric_limits<double>::quiet_NaN());
  auto model =
      mz::dist_testing::make_model(scenario == "different_model" && me ? Case{"mlp_wide"} : c, 7);
  auto misbehave =
      std::make_shared<mz::callbacks::LambdaCallback>(mz::callbacks::LambdaCallbackOptions{
          .on_train_batch_begin = [&](int64_t batch, const mz::Logs&) {
            if (!me || batch != 4) return;  // step 5
            if (scenario == "throw") throw mz::ValueError("injected failure");
            if (scenario == "sigkill") std::raise(SIGKILL);
            if (scenario == "hang") std::this_thread::sleep_for(std::chrono::seconds(25));
          }});
  try {
    model->fit(x, y,
               {.batch_size = kBatch,
                .epochs = 2,
                .verbose = 0,
                .callbacks = {misbehave, mz::callbacks::TerminateOnNaN()},
                .shuffle = false,
                .communicator = comm.shared_from_this()});
  } catch (const mz::dist::DistributedError& e) {  // agreed errors: every rank throws them
    std::fprintf(stderr, "rank %d: %s\n", comm.rank(), e.what());
    return 3;
  }
  if (model->stop_training) {  // TerminateOnNaN stopped every rank at the same step
    std::fprintf(stderr, "rank %d: TerminateOnNaN stopped the training in epoch %d\n", comm.rank(),
                 model->fit_position.epoch);
    return 2;
  }
  return 0;
}

// dist::init() gives each of the ranks on this machine cores / ranks kernel threads (at least
// one) when nothing chose a thread count.
int run_threads() {
  mz::dist::CommunicatorPtr comm = mz::dist::init();
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  const int expected = std::getenv("MEREZHA_NUM_THREADS") != nullptr
                           ? std::atoi(std::getenv("MEREZHA_NUM_THREADS"))
                           : std::min(cores, std::max(1, cores / comm->size()));
  const bool ok = mz::num_threads() == expected;
  std::printf("rank %d of %d: %d kernel threads on %d cores (expected %d): %s\n", comm->rank(),
              comm->size(), mz::num_threads(), cores, expected, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string scenario = argc > 1 ? argv[1] : "equal";
  if (scenario == "threads") return run_threads();  // before anything sets a thread count
  mz::set_num_threads(1);
  // MZ_DIST_DEVICE=ref runs on the plain reference loops (cpu, the default, on fast kernels).
  const char* device = std::getenv("MZ_DIST_DEVICE");
  mz::DeviceGuard on(device && std::string(device) == "ref" ? mz::Device::ref()
                                                            : mz::Device::cpu());
  mz::dist::CommunicatorPtr comm = mz::dist::init();
  if (scenario == "equal") return run_equal(*comm);
  if (scenario == "sum") return run_sum(*comm);
  return run_failure(*comm, scenario);
}
