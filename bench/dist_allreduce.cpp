// dist-bench: data-parallel measurements under mpirun (see docs/distributed.md).
//   mpirun -np N dist-bench allreduce  all-reduce time and bandwidth per message size: the
//       communicator's deterministic sum (all-to-all + rank-order sum + all-gather), its fast
//       mode (MPI_Iallreduce, polled) and Open MPI's own blocking MPI_Allreduce.
//   mpirun -np N dist-bench w1         W1 (Fashion-MNIST MLP, global batch 64, SGD momentum)
//       samples/s of one distributed fit epoch (DIST_W1_SAMPLES samples, default all 60000;
//       DIST_FAST=1 sums in Open MPI's order, not rank order).
// Rank 0 prints CSV lines: workload,metric,np,size,value,unit.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/core/thread_pool.h"
#include "mz/dist/communicator.h"
#include "mz/dist/mpi_communicator.h"
#include "mz/io/idx.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Median seconds per call of fn over `reps` calls (after 2 warm-ups), agreed by a barrier.
template <class Fn>
double time_per_call(mz::dist::Communicator& comm, int reps, Fn fn) {
  fn();
  fn();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    comm.barrier();
    auto t0 = Clock::now();
    fn();
    t.push_back(seconds(t0));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void allreduce(mz::dist::Communicator& comm) {
  const int n = comm.size();
  for (int64_t count : {int64_t{1} << 8, int64_t{1} << 12, int64_t{1} << 16, int64_t{1} << 18,
                        int64_t{1} << 20, int64_t{1} << 22}) {
    const int reps = count >= (int64_t{1} << 20) ? 7 : 21;
    mz::Tensor t = mz::ones({count});  // float32
    const double bytes = 4.0 * static_cast<double>(count);
    struct Row {
      const char* name;
      double s;
    };
    std::vector<Row> rows;
    comm.set_deterministic(true);
    rows.push_back({"mz_deterministic", time_per_call(comm, reps, [&] { comm.all_reduce(t); })});
    comm.set_deterministic(false);
    rows.push_back({"mz_fast", time_per_call(comm, reps, [&] { comm.all_reduce(t); })});
    comm.set_deterministic(true);
    rows.push_back({"openmpi_allreduce",
                    time_per_call(comm, reps, [&] { mz::dist::mpi_native_all_reduce(t); })});
    if (comm.rank() != 0) continue;
    for (const Row& r : rows) {
      // Bus bandwidth (NCCL's busbw): what each rank moves, 2 (n - 1) / n of the message.
      const double bus = n > 1 ? bytes * 2.0 * (n - 1) / n / r.s / 1e9 : 0.0;
      std::printf("allreduce,%s_us,%d,%lld,%.2f,us\n", r.name, n, static_cast<long long>(bytes),
                  r.s * 1e6);
      std::printf("allreduce,%s_busbw,%d,%lld,%.3f,GB/s\n", r.name, n,
                  static_cast<long long>(bytes), bus);
    }
    std::fflush(stdout);
  }
}

void w1(mz::dist::Communicator& comm) {
  namespace L = mz::layers;
  const char* dir_env = std::getenv("FMNIST_DIR");
  const std::string dir = dir_env ? dir_env : "/usr/share/datasets/fashion-mnist";
  mz::Tensor images = mz::io::read_idx(dir + "/train-images-idx3-ubyte.gz");
  mz::Tensor labels = mz::io::read_idx(dir + "/train-labels-idx1-ubyte.gz");
  const char* limit = std::getenv("DIST_W1_SAMPLES");
  int64_t n = images.size(0);
  if (limit) n = std::min<int64_t>(n, std::atoll(limit));
  mz::Tensor x = images.slice(0, 0, n).reshape({n, 784}).to(mz::DType::f32) / 255.0;
  mz::Tensor y = labels.slice(0, 0, n).to(mz::DType::i64);
  mz::set_seed(0);
  mz::Sequential model({mz::Input({784}), L::Dense(256, {.activation = "relu"}),
                        L::Dense(128, {.activation = "relu"}), L::Dense(10)});
  model.compile({.optimizer = mz::optimizers::SGD({.learning_rate = 0.01, .momentum = 0.9}),
                 .loss = mz::losses::SparseCategoricalCrossentropy({.from_logits = true})});
  // DIST_FAST=1: Open MPI's own all-reduce order (MPI_Iallreduce) instead of the rank-order sum.
  comm.set_deterministic(std::getenv("DIST_FAST") == nullptr);
  comm.barrier();
  auto t0 = Clock::now();
  mz::History h = model.fit(
      x, y, {.batch_size = 64, .epochs = 1, .verbose = 0, .communicator = comm.shared_from_this()});
  const double s = seconds(t0);
  if (comm.rank() == 0) {
    std::printf("W1,train_samples_per_s,%d,%lld,%.1f,samples/s\n", comm.size(),
                static_cast<long long>(n), static_cast<double>(n) / s);
    std::fprintf(stderr, "W1 np %d: %lld samples in %.2f s, loss %.4f\n", comm.size(),
                 static_cast<long long>(n), s, h.history["loss"].back());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "allreduce";
  const char* threads = std::getenv("BENCH_THREADS");
  mz::set_num_threads(threads ? std::atoi(threads) : 1);
  mz::dist::CommunicatorPtr comm = mz::dist::init();
  if (what == "w1")
    w1(*comm);
  else
    allreduce(*comm);
  return 0;
}
