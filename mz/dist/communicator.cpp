// Communicator's tensor-level collectives (checks, host staging, averaging) over the backends'
// byte-level ones, the worker thread of the started ones, and dist::init(), which picks the
// backend from the environment.
#include "mz/dist/communicator.h"

#include <dlfcn.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "mz/core/thread_pool.h"
#include "mz/dist/in_process.h"
#include "mz/dist/mpi_communicator.h"
#include "mz/dist/nccl_communicator.h"
#include "mz/ops/creation.h"

namespace mz::dist {
namespace {

// A host, contiguous tensor holding t's values (t itself when it already is one).
Tensor host_copy(const Tensor& t) {
  if (t.device().is_host() && t.is_contiguous()) return t;
  return t.to(Device::cpu()).contiguous();
}

// Writes host's values back into t unless they share the buffer.
void write_back(Tensor& t, const Tensor& host) {
  if (!host.shares_storage(t) || host.offset() != t.offset()) t.copy_(host);
}

}  // namespace

// One thread per communicator, started by the first start_all_reduce: runs the queued jobs in
// order. `busy` covers the job being run, so wait_started() also waits for it.
struct Communicator::Worker {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::packaged_task<void()>> jobs;
  bool busy = false, stop = false;
  std::thread thread;

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return stop || !jobs.empty(); });
      if (jobs.empty()) return;  // stop, nothing left
      std::packaged_task<void()> job = std::move(jobs.front());
      jobs.pop_front();
      busy = true;
      lock.unlock();
      job();  // a throw lands in the job's future
      lock.lock();
      busy = false;
      changed.notify_all();
    }
  }
};

Communicator::Communicator(int rank, int size) : rank_(rank), size_(size) {
  MZ_ASSERT(size >= 1 && rank >= 0 && rank < size, str("rank ", rank, " of ", size));
}

Communicator::~Communicator() { stop_worker(); }

void Communicator::stop_worker() {
  if (!worker_) return;
  {
    std::lock_guard<std::mutex> lock(worker_->mutex);
    worker_->stop = true;
  }
  worker_->changed.notify_all();
  worker_->thread.join();
  worker_.reset();
}

void Communicator::wait_started() {
  if (!worker_) return;
  std::unique_lock<std::mutex> lock(worker_->mutex);
  worker_->changed.wait(lock, [&] { return worker_->jobs.empty() && !worker_->busy; });
}

std::shared_future<void> Communicator::start_all_reduce(Tensor t, ReduceOp op,
                                                        const std::string& what) {
  const std::string where = label("all_reduce", what);
  if (!t.defined()) throw ValueError(str(where, ": got an undefined tensor."));
  if (t.dtype() != DType::f32 && t.dtype() != DType::f64)
    throw ValueError(str(where, ": expected float32 or float64, got ", dtype_name(t.dtype()), "."));
  if (!t.device().is_host() || !t.is_contiguous())
    throw ValueError(str(where, ": start_all_reduce expected a contiguous host tensor, got one ",
                         t.device().is_host() ? "that is not contiguous" : "on another device",
                         "."));
  std::packaged_task<void()> job([this, t, op, where]() mutable { reduce_host(t, op, where); });
  std::shared_future<void> done = job.get_future().share();
  if (size_ == 1 || t.numel() == 0) {
    job();
    return done;
  }
  if (!worker_) {
    worker_ = std::make_unique<Worker>();
    worker_->thread = std::thread([w = worker_.get()] { w->run(); });
  }
  {
    std::lock_guard<std::mutex> lock(worker_->mutex);
    worker_->jobs.push_back(std::move(job));
  }
  worker_->changed.notify_all();
  return done;
}

void Communicator::reduce_host(Tensor& host, ReduceOp op, const std::string& where) {
  sum_raw(host.raw_data(), host.numel(), host.dtype(), where);
  if (op != ReduceOp::average) return;
  const int64_t n = host.numel();
  if (host.dtype() == DType::f32) {
    float* p = host.data<float>();
    const auto d = static_cast<float>(size_);
    for (int64_t i = 0; i < n; ++i) p[i] /= d;
  } else {
    double* p = host.data<double>();
    const auto d = static_cast<double>(size_);
    for (int64_t i = 0; i < n; ++i) p[i] /= d;
  }
}

void Communicator::set_timeout(double seconds) {
  if (!(seconds > 0.0))
    throw ValueError(
        str("Communicator.set_timeout: expected a positive number of seconds, got ", seconds, "."));
  timeout_s_ = seconds;
}

std::string Communicator::label(const char* collective, const std::string& what) const {
  return str("mz::dist ", collective, " '", what, "'", step_.empty() ? "" : " at ", step_);
}

void Communicator::all_reduce(Tensor& t, ReduceOp op, const std::string& what) {
  if (!t.defined()) throw ValueError(str(label("all_reduce", what), ": got an undefined tensor."));
  if (t.dtype() != DType::f32 && t.dtype() != DType::f64)
    throw ValueError(str(label("all_reduce", what), ": expected float32 or float64, got ",
                         dtype_name(t.dtype()), "."));
  if (size_ == 1 || t.numel() == 0) return;
  wait_started();
  if (all_reduce_on_device(t, op, label("all_reduce", what))) return;
  Tensor host = host_copy(t);
  reduce_host(host, op, label("all_reduce", what));
  write_back(t, host);
}

void Communicator::broadcast(Tensor& t, int root, const std::string& what) {
  if (!t.defined()) throw ValueError(str(label("broadcast", what), ": got an undefined tensor."));
  if (root < 0 || root >= size_)
    throw ValueError(str(label("broadcast", what), ": root must be a rank in [0, ", size_,
                         "), got ", root, "."));
  if (size_ == 1 || t.numel() == 0) return;
  wait_started();
  if (broadcast_on_device(t, root, label("broadcast", what))) return;
  Tensor host = host_copy(t);
  broadcast_raw(host.raw_data(), host.numel() * static_cast<int64_t>(dtype_size(host.dtype())),
                root, label("broadcast", what));
  write_back(t, host);
}

void Communicator::broadcast(std::string& text, int root, const std::string& what) {
  if (size_ == 1) return;
  wait_started();
  int64_t length = static_cast<int64_t>(text.size());
  broadcast_raw(&length, sizeof(length), root, label("broadcast", what + " length"));
  text.resize(static_cast<std::size_t>(length));
  if (length > 0) broadcast_raw(text.data(), length, root, label("broadcast", what));
}

Tensor Communicator::all_gather(const Tensor& t, const std::string& what) {
  if (!t.defined()) throw ValueError(str(label("all_gather", what), ": got an undefined tensor."));
  Shape shape = t.shape();
  std::vector<int64_t> dims = {static_cast<int64_t>(size_)};
  for (int i = 0; i < shape.rank(); ++i) dims.push_back(shape[i]);
  if (size_ > 1 && t.numel() > 0 && !t.device().is_host()) {
    wait_started();
    Tensor out = empty(Shape(dims), {.dtype = t.dtype(), .device = t.device()});
    if (all_gather_on_device(t, out, label("all_gather", what))) return out;
  }
  Tensor host = host_copy(t);
  Tensor out = empty(Shape(dims), {.dtype = t.dtype(), .device = Device::cpu()});
  const auto bytes = t.numel() * static_cast<int64_t>(dtype_size(t.dtype()));
  if (size_ == 1) {
    if (bytes > 0) std::memcpy(out.raw_data(), host.raw_data(), static_cast<std::size_t>(bytes));
  } else if (bytes > 0) {
    wait_started();
    all_gather_raw(host.raw_data(), out.raw_data(), bytes, label("all_gather", what));
  }
  return t.device().is_host() ? out : out.to(t.device());
}

bool Communicator::all_reduce_on_device(Tensor&, ReduceOp, const std::string&) { return false; }

bool Communicator::broadcast_on_device(Tensor&, int, const std::string&) { return false; }

bool Communicator::all_gather_on_device(const Tensor&, Tensor&, const std::string&) {
  return false;
}

void Communicator::barrier(const std::string& what) {
  if (size_ == 1) return;
  wait_started();
  barrier_raw(label("barrier", what));
}

std::string rank_list(const std::vector<int>& ranks) {
  std::string out;
  for (std::size_t i = 0; i < ranks.size(); ++i) out += (i ? ", " : "") + std::to_string(ranks[i]);
  return out;
}

namespace {

// The ranks a launcher started on this machine share its cores: unless the user chose thread
// counts (MEREZHA_NUM_THREADS; OMP_NUM_THREADS or OPENBLAS_NUM_THREADS for OpenBLAS), each
// rank's kernels and OpenBLAS get cores / local ranks threads (at least 1), so that 2 ranks on
// 2 cores do not run 4 busy threads. Once per process.
void share_cores() {
  static bool done = false;
  if (done) return;
  done = true;
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (local == nullptr) local = std::getenv("MPI_LOCALNRANKS");  // MPICH's Hydra
  const int ranks = local != nullptr ? std::atoi(local) : 0;
  const unsigned cores = std::thread::hardware_concurrency();
  if (ranks < 1 || cores == 0) return;
  const int per = std::max(1, static_cast<int>(cores) / ranks);
  if (std::getenv("MEREZHA_NUM_THREADS") == nullptr && num_threads() > per) set_num_threads(per);
  if (std::getenv("OMP_NUM_THREADS") == nullptr && std::getenv("OPENBLAS_NUM_THREADS") == nullptr) {
    using SetThreads = void (*)(int);
    // NOTE: looked up, not linked: the BLAS is whatever the build found (or none).
    if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
      set(per);
  }
}

}  // namespace

CommunicatorPtr init() {
  const char* chosen = std::getenv("MEREZHA_DIST_BACKEND");
  const std::string backend = chosen != nullptr ? chosen : "";
  if (!backend.empty() && backend != "mpi" && backend != "nccl")
    throw ValueError(str("mz::dist::init: MEREZHA_DIST_BACKEND: expected \"mpi\" or \"nccl\", ",
                         "got \"", backend, "\"."));
  const bool launched = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr ||
                        std::getenv("PMIX_RANK") != nullptr || std::getenv("PMI_SIZE") != nullptr;
  CommunicatorPtr comm;
  if (launched) {
    share_cores();
    comm = mpi_communicator();
  } else {
    comm = in_process_world(1).front();
  }
  return backend == "nccl" ? nccl_communicator(comm) : comm;
}

}  // namespace mz::dist
