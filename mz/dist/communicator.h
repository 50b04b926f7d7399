// Communicator: the collectives of data-parallel training (all-reduce, broadcast, all-gather,
// barrier) between the ranks of one job, each with a timeout whose error names the step, the
// collective and the ranks that did not arrive. Backends: in_process.h (threads, for tests),
// mpi_communicator.h (processes under mpirun) and nccl_communicator.h (GPUs); dist::init()
// picks one from the environment.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "mz/core/error.h"
#include "mz/core/tensor.h"

namespace mz::dist {

// A collective that failed: a timeout, a rank that aborted, ranks that disagree. `agreed` is
// true when every rank raised the same error at the same point (start-up checks), so no rank
// needs to be ended by force.
class DistributedError : public Error {
 public:
  explicit DistributedError(const std::string& message, bool agreed = false)
      : Error(message), agreed_(agreed) {}
  bool agreed() const { return agreed_; }

 private:
  bool agreed_ = false;
};

// all_reduce's operation: the element-wise sum over ranks, or that sum divided by size().
enum class ReduceOp { sum, average };

// Shared by the fit and the optimizer that use it (shared_from_this() gives the handle).
class Communicator : public std::enable_shared_from_this<Communicator> {
 public:
  virtual ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  // This process's (or thread's) rank, 0 .. size() - 1, and the number of ranks.
  int rank() const { return rank_; }
  int size() const { return size_; }
  // "mpi", "in_process" or "nccl".
  virtual std::string backend() const = 0;

  // Seconds a collective waits for the other ranks before failing (default 60).
  double timeout() const { return timeout_s_; }
  void set_timeout(double seconds);
  // Where the caller stands ("epoch 1, step 5"), named by timeout and abort messages.
  void set_step(std::string step) { step_ = std::move(step); }
  const std::string& step() const { return step_; }
  // True (the default): sums add the ranks' values in rank order, ((x0 + x1) + x2) + ...,
  // so results are bitwise reproducible; false lets the backend pick its fastest order.
  bool deterministic() const { return deterministic_; }
  void set_deterministic(bool on) { deterministic_ = on; }

  // In place on every rank: t = sum over ranks of t (or that sum / size()). float32 and
  // float64; t must have the same shape and dtype on every rank; `what` names it in errors.
  void all_reduce(Tensor& t, ReduceOp op = ReduceOp::sum, const std::string& what = "tensor");
  // all_reduce(t, op, what) run by this communicator's worker thread: returns at once, and the
  // future is ready when t holds the result (its get() rethrows the collective's error). t must
  // be a contiguous host tensor left untouched until then. Started collectives run one at a
  // time in the order they were started, and every blocking collective first waits for them,
  // so every rank must start the same collectives in the same order. Same bits as all_reduce.
  std::shared_future<void> start_all_reduce(Tensor t, ReduceOp op = ReduceOp::sum,
                                            const std::string& what = "tensor");
  // Returns once every collective started so far has finished (their errors stay in their
  // futures).
  void wait_started();
  // In place: every rank's t takes root's values (same shape and dtype on every rank).
  void broadcast(Tensor& t, int root = 0, const std::string& what = "tensor");
  // Root's string on every rank (any length).
  void broadcast(std::string& text, int root = 0, const std::string& what = "text");
  // The ranks' tensors stacked in rank order: (size(), ...t's shape). Same shape everywhere.
  Tensor all_gather(const Tensor& t, const std::string& what = "tensor");
  // Returns once every rank has called barrier().
  void barrier(const std::string& what = "barrier");

  // Ends the job after a failure on this rank: the MPI backend prints `message` and calls
  // MPI_Abort (every rank exits non-zero); the in-process backend makes every other rank's
  // current and next collective throw DistributedError naming this rank, and returns.
  virtual void abort(const std::string& message) = 0;

 protected:
  Communicator(int rank, int size);
  // The backends' collectives on host memory. sum: `count` elements of `dtype` (f32, f64),
  // added in rank order when deterministic(); broadcast: `bytes` from root; all_gather: `bytes`
  // from each rank into out (size() * bytes, rank order). `label` is the message prefix
  // ("mz::dist all_reduce 'gradients' at epoch 1, step 5").
  virtual void sum_raw(void* data, int64_t count, DType dtype, const std::string& label) = 0;
  virtual void broadcast_raw(void* data, int64_t bytes, int root, const std::string& label) = 0;
  virtual void all_gather_raw(const void* in, void* out, int64_t bytes,
                              const std::string& label) = 0;
  virtual void barrier_raw(const std::string& label) = 0;
  // A backend's collectives on tensors of a device it drives itself (NCCL: its GPU), with no
  // host staging: each returns false (the default) to let the host path above run. Called
  // after the checks, the size() == 1 shortcut and wait_started(); `out` is all_gather's
  // (size(), ...) result, allocated on t's device.
  virtual bool all_reduce_on_device(Tensor& t, ReduceOp op, const std::string& label);
  virtual bool broadcast_on_device(Tensor& t, int root, const std::string& label);
  virtual bool all_gather_on_device(const Tensor& t, Tensor& out, const std::string& label);
  // "mz::dist <collective> '<what>' at <step>", the start of every collective's error.
  std::string label(const char* collective, const std::string& what) const;
  // Lets the started collectives finish, then ends the worker thread. Each backend's destructor
  // calls it first, while the backend's collectives still work.
  void stop_worker();

 private:
  struct Worker;  // the thread that runs started collectives (communicator.cpp)
  // The sum (or average) of host's values over ranks, in place; the core of all_reduce.
  void reduce_host(Tensor& host, ReduceOp op, const std::string& label);

  std::unique_ptr<Worker> worker_;
  int rank_ = 0, size_ = 1;
  double timeout_s_ = 60.0;
  std::string step_;
  bool deterministic_ = true;
};

using CommunicatorPtr = std::shared_ptr<Communicator>;

// The job's communicator, from the environment: under mpirun (OMPI_COMM_WORLD_SIZE,
// PMIX_RANK or PMI_SIZE set) the MPI backend (initialising MPI once per process; later calls
// return the same communicator while it lives); otherwise a world of one rank. Under a
// launcher, the first call also gives each rank cores / (ranks on this machine) kernel and
// OpenBLAS threads unless MEREZHA_NUM_THREADS (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) chose.
// Throws BackendError when launched by an MPI launcher but built without MPI.
// MEREZHA_DIST_BACKEND=nccl: that communicator (or the world of one) bootstraps an NCCL one
// (nccl_communicator.h), which is returned instead: for models on cuda, one GPU per rank.
// Throws ValueError for another value than "mpi" or "nccl", BackendError without NCCL.
CommunicatorPtr init();

// "2, 3" for {2, 3}: rank lists in messages.
std::string rank_list(const std::vector<int>& ranks);

}  // namespace mz::dist
