// The NCCL backend. Every NCCL call is queued on merezha's stream of this rank's GPU through a
// nonblocking NCCL communicator, then polled (ncclCommGetAsyncError, cudaStreamQuery) against
// the timeout with a growing sleep, never a full-speed spin; on expiry ncclCommAbort and a
// DistributedError naming the collective, the step and this rank. The deterministic sum is an
// all-gather of every rank's values added in rank order on the GPU (the bits of the MPI and
// in-process backends); otherwise one ncclAllReduce (ring or tree, NCCL's choice).
// Without MZ_HAVE_NCCL the entry points throw BackendError.
#include "mz/dist/nccl_communicator.h"

#if MZ_HAVE_NCCL
#include <nccl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "mz/backend/cuda/allocator.h"
#include "mz/backend/cuda/runtime.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#endif

namespace mz::dist {

#if MZ_HAVE_NCCL
namespace {

// This process's rank among the ranks of its machine, from the launcher's environment.
int local_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"})
    if (const char* value = std::getenv(name)) return std::max(0, std::atoi(value));
  return 0;
}

ncclDataType_t nccl_type(DType dtype) { return dtype == DType::f32 ? ncclFloat32 : ncclFloat64; }

// Throws BackendError naming the call unless rc is ncclSuccess or ncclInProgress (a
// nonblocking communicator's call still under way: wait() settles it).
void check(ncclResult_t rc, const char* call) {
  if (rc == ncclSuccess || rc == ncclInProgress) return;
  const char* last = ncclGetLastError(nullptr);
  throw BackendError(str("mz::dist nccl: ", call, " failed: ", ncclGetErrorString(rc),
                         last != nullptr && *last != '\0' ? str(" (", last, ")") : "", "."));
}

class NcclCommunicator : public Communicator {
 public:
  NcclCommunicator(CommunicatorPtr bootstrap, int device)
      : Communicator(bootstrap->rank(), bootstrap->size()),
        bootstrap_(std::move(bootstrap)),
        device_(device) {
    set_timeout(bootstrap_->timeout());
    set_deterministic(bootstrap_->deterministic());
    set_step(bootstrap_->step());
    cuda::activate(device_);
    ncclUniqueId id;
    std::memset(&id, 0, sizeof(id));
    if (rank() == 0) check(ncclGetUniqueId(&id), "ncclGetUniqueId");
    std::string text(reinterpret_cast<const char*>(&id), sizeof(id));
    bootstrap_->broadcast(text, 0, "ncclUniqueId");
    if (text.size() != sizeof(id))
      throw DistributedError(str(label("init", "ncclUniqueId"), ": expected ", sizeof(id),
                                 " bytes from rank 0, got ", text.size(), "."));
    std::memcpy(&id, text.data(), sizeof(id));
    ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
    config.blocking = 0;  // every call returns at once; wait() polls it under the timeout
    ncclComm_t comm = nullptr;
    ncclResult_t rc = ncclCommInitRankConfig(&comm, size(), id, rank(), &config);
    comm_ = comm;
    try {
      check(rc, "ncclCommInitRankConfig");
      wait(label("init", "ncclCommInitRankConfig"), nullptr);
    } catch (...) {
      abort_nccl();
      throw;
    }
  }

  ~NcclCommunicator() override {
    stop_worker();
    if (comm_ == nullptr) return;
    // Finalise (flushes this rank's queued operations) under the timeout; abort if it stalls.
    bool finished = false;
    try {
      cuda::activate(device_);
      ncclResult_t state = ncclCommFinalize(comm_);
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout());
      while (state == ncclInProgress && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ncclCommGetAsyncError(comm_, &state);
      }
      finished = state == ncclSuccess;
    } catch (...) {
      finished = false;  // no device any more: abort below
    }
    if (finished)
      ncclCommDestroy(comm_);
    else
      ncclCommAbort(comm_);
    comm_ = nullptr;
  }

  std::string backend() const override { return "nccl"; }
  int device() const { return device_; }

  // NOTE: NCCL cannot end the other processes; the bootstrap's abort (MPI_Abort) does.
  void abort(const std::string& message) override {
    abort_nccl();
    bootstrap_->abort(message);
  }

  // One in-place ncclAllReduce sum of a contiguous tensor on this GPU (nccl_native_all_reduce).
  void native_all_reduce(Tensor& t) {
    const std::string where = label("nccl_native_all_reduce", "tensor");
    if (t.dtype() != DType::f32 && t.dtype() != DType::f64)
      throw ValueError(
          str(where, ": expected float32 or float64, got ", dtype_name(t.dtype()), "."));
    if (!(t.device() == Device::cuda(device_)) || !t.is_contiguous())
      throw ValueError(str(where, ": expected a contiguous tensor on cuda:", device_,
                           " (this rank's GPU), got one on ", t.device().name(),
                           t.is_contiguous() ? "" : " that is not contiguous", "."));
    if (t.numel() == 0) return;
    run(where, [&](cudaStream_t stream) {
      return ncclAllReduce(t.raw_data(), t.raw_data(), static_cast<size_t>(t.numel()),
                           nccl_type(t.dtype()), ncclSum, comm_, stream);
    });
  }

 protected:
  bool all_reduce_on_device(Tensor& t, ReduceOp op, const std::string& label) override {
    if (!on_my_device(t, label)) return false;
    Tensor work = t.is_contiguous() ? t.detach() : t.detach().contiguous();
    Tensor flat = work.reshape({work.numel()});
    sum_device(flat, label);
    if (op == ReduceOp::average)
      flat.copy_(div(flat, scalar(size(), {.dtype = flat.dtype(), .device = flat.device()})));
    if (!work.shares_storage(t) || work.offset() != t.offset()) t.copy_(work);
    return true;
  }

  bool broadcast_on_device(Tensor& t, int root, const std::string& label) override {
    if (!on_my_device(t, label)) return false;
    Tensor work = t.is_contiguous() ? t.detach() : t.detach().contiguous();
    run(label, [&](cudaStream_t stream) {
      return ncclBroadcast(work.raw_data(), work.raw_data(), bytes_of(work), ncclUint8, root, comm_,
                           stream);
    });
    if (!work.shares_storage(t) || work.offset() != t.offset()) t.copy_(work);
    return true;
  }

  bool all_gather_on_device(const Tensor& t, Tensor& out, const std::string& label) override {
    if (!on_my_device(t, label)) return false;
    Tensor in = t.is_contiguous() ? t.detach() : t.detach().contiguous();
    run(label, [&](cudaStream_t stream) {
      return ncclAllGather(in.raw_data(), out.raw_data(), bytes_of(in), ncclUint8, comm_, stream);
    });
    return true;
  }

  // Host memory (start_all_reduce's buckets, logs, flags) is staged through this GPU.
  void sum_raw(void* data, int64_t count, DType dtype, const std::string& label) override {
    check_open(label);
    cuda::DeviceContext& ctx = cuda::activate(device_);
    Tensor dev = Tensor::empty({count}, {.dtype = dtype, .device = Device::cuda(device_)});
    const std::size_t bytes = bytes_of(dev);
    cuda::check(cudaMemcpyAsync(dev.raw_data(), data, bytes, cudaMemcpyHostToDevice, ctx.stream),
                "mz::dist nccl: upload");
    sum_device(dev, label);
    download(data, dev.raw_data(), bytes, label);
  }

  void broadcast_raw(void* data, int64_t bytes, int root, const std::string& label) override {
    check_open(label);
    cuda::DeviceContext& ctx = cuda::activate(device_);
    const auto n = static_cast<std::size_t>(bytes);
    cuda::Scratch buffer(device_, n);
    cuda::check(cudaMemcpyAsync(buffer.data(), data, n, cudaMemcpyHostToDevice, ctx.stream),
                "mz::dist nccl: upload");
    run(label, [&](cudaStream_t stream) {
      return ncclBroadcast(buffer.data(), buffer.data(), n, ncclUint8, root, comm_, stream);
    });
    download(data, buffer.data(), n, label);
  }

  void all_gather_raw(const void* in, void* out, int64_t bytes, const std::string& label) override {
    check_open(label);
    cuda::DeviceContext& ctx = cuda::activate(device_);
    const auto n = static_cast<std::size_t>(bytes);
    cuda::Scratch mine(device_, n), all(device_, n * static_cast<std::size_t>(size()));
    cuda::check(cudaMemcpyAsync(mine.data(), in, n, cudaMemcpyHostToDevice, ctx.stream),
                "mz::dist nccl: upload");
    run(label, [&](cudaStream_t stream) {
      return ncclAllGather(mine.data(), all.data(), n, ncclUint8, comm_, stream);
    });
    download(out, all.data(), n * static_cast<std::size_t>(size()), label);
  }

  // A one-element all-reduce: returns once every rank has queued it and it has run.
  void barrier_raw(const std::string& label) override {
    check_open(label);
    cuda::DeviceContext& ctx = cuda::activate(device_);
    cuda::Scratch one(device_, sizeof(float));
    cuda::check(cudaMemsetAsync(one.data(), 0, sizeof(float), ctx.stream),
                "mz::dist nccl: barrier");
    run(label, [&](cudaStream_t stream) {
      return ncclAllReduce(one.data(), one.data(), 1, ncclFloat32, ncclSum, comm_, stream);
    });
  }

 private:
  static std::size_t bytes_of(const Tensor& t) {
    return static_cast<std::size_t>(t.numel()) * dtype_size(t.dtype());
  }

  // True for a tensor on this rank's GPU, false for a host one (the host path stages it);
  // throws ValueError for one on another GPU.
  bool on_my_device(const Tensor& t, const std::string& label) const {
    if (t.device().is_host()) return false;
    if (!(t.device() == Device::cuda(device_)))
      throw ValueError(str(label, ": expected a tensor on cuda:", device_, " (rank ", rank(),
                           "'s GPU), got one on ", t.device().name(), "."));
    check_open(label);
    return true;
  }

  void check_open(const std::string& label) const {
    if (comm_ == nullptr)
      throw BackendError(str(label,
                             ": the NCCL communicator was aborted after an earlier "
                             "failure; its collectives no longer run."));
  }

  // The sum over ranks of a contiguous 1-D tensor on this GPU, in place: rank order (an
  // all-gather, then ((x0 + x1) + x2) + ... on the GPU) when deterministic(), else NCCL's.
  void sum_device(Tensor& flat, const std::string& label) {
    const int64_t n = flat.numel();
    if (!deterministic()) {
      run(label, [&](cudaStream_t stream) {
        return ncclAllReduce(flat.raw_data(), flat.raw_data(), static_cast<size_t>(n),
                             nccl_type(flat.dtype()), ncclSum, comm_, stream);
      });
      return;
    }
    Tensor all = Tensor::empty({static_cast<int64_t>(size()), n},
                               {.dtype = flat.dtype(), .device = flat.device()});
    run(label, [&](cudaStream_t stream) {
      return ncclAllGather(flat.raw_data(), all.raw_data(), static_cast<size_t>(n),
                           nccl_type(flat.dtype()), comm_, stream);
    });
    flat.copy_(all.slice(0, 0, 1).reshape({n}));
    for (int r = 1; r < size(); ++r) add_(flat, all.slice(0, r, r + 1).reshape({n}));
  }

  // Queues one NCCL collective (enqueue(stream) makes the call) and waits for it.
  template <class Enqueue>
  void run(const std::string& label, Enqueue&& enqueue) {
    check_open(label);
    cuda::DeviceContext& ctx = cuda::activate(device_);
    check(enqueue(ctx.stream), "the collective");
    wait(label, ctx.stream);
  }

  // Copies `bytes` from this GPU to host memory once the stream's work is done.
  void download(void* host, const void* dev, std::size_t bytes, const std::string& label) {
    cuda::DeviceContext& ctx = cuda::activate(device_);
    wait(label, ctx.stream);  // a pageable copy would block without a deadline otherwise
    cuda::check(cudaMemcpyAsync(host, dev, bytes, cudaMemcpyDeviceToHost, ctx.stream),
                "mz::dist nccl: download");
    wait(label, ctx.stream);
  }

  // Polls until the communicator's last call has settled and, with a stream, the stream's work
  // (the collective's kernel) is done. For the first 2 ms it yields the core between polls,
  // then sleeps 20 us doubling up to 1 ms. On the deadline or an NCCL error: abort_nccl() and
  // a DistributedError.
  void wait(const std::string& label, cudaStream_t stream) {
    const int64_t seq = ++collectives_;
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration<double>(timeout());
    const auto yield_until = start + std::chrono::milliseconds(2);
    auto nap = std::chrono::microseconds(20);
    for (;;) {
      ncclResult_t state = ncclSuccess;
      ncclCommGetAsyncError(comm_, &state);
      if (state != ncclSuccess && state != ncclInProgress) {
        const char* last = ncclGetLastError(comm_);
        abort_nccl();
        throw DistributedError(str(label, ": NCCL failed on rank ", rank(), " of ", size(),
                                   " (collective #", seq, " on cuda:", device_,
                                   "): ", ncclGetErrorString(state),
                                   last != nullptr && *last != '\0' ? str(" (", last, ")") : "",
                                   "; the NCCL communicator was aborted."));
      }
      if (state == ncclSuccess) {
        if (stream == nullptr) return;
        const cudaError_t query = cudaStreamQuery(stream);
        if (query == cudaSuccess) return;
        if (query != cudaErrorNotReady) cuda::check(query, label.c_str());
      }
      const auto now = Clock::now();
      if (now > deadline) {
        abort_nccl();
        throw DistributedError(
            str(label, ": timed out after ", timeout(), " s on rank ", rank(), " of ", size(),
                " (NCCL collective #", seq, " on cuda:", device_,
                "); the NCCL communicator was aborted (ncclCommAbort). NCCL does not say which "
                "ranks did not arrive: a rank that is busy, hung, dead or finished never joins."));
      }
      if (now < yield_until) {
        std::this_thread::yield();
        continue;
      }
      std::this_thread::sleep_for(nap);
      nap = std::min(nap * 2, std::chrono::microseconds(1000));
    }
  }

  // Ends the NCCL communicator at once (its kernels stop); later collectives throw.
  void abort_nccl() {
    if (comm_ == nullptr) return;
    ncclCommAbort(comm_);
    comm_ = nullptr;
  }

  CommunicatorPtr bootstrap_;
  int device_ = 0;
  ncclComm_t comm_ = nullptr;
  int64_t collectives_ = 0;
};

}  // namespace

bool nccl_available() { return true; }

Device nccl_device() {
  const int count = cuda::device_count();
  if (count == 0)
    throw BackendError(str("mz::dist::nccl_device: expected a CUDA device, got none (",
                           cuda::device_status(), ")."));
  return Device::cuda(local_rank() % count);
}

CommunicatorPtr nccl_communicator(const CommunicatorPtr& bootstrap) {
  if (bootstrap == nullptr)
    throw ValueError("mz::dist::nccl_communicator: expected a bootstrap communicator, got null.");
  return std::make_shared<NcclCommunicator>(bootstrap, nccl_device().index);
}

void nccl_native_all_reduce(Communicator& comm, Tensor& t) {
  auto* nccl = dynamic_cast<NcclCommunicator*>(&comm);
  if (nccl == nullptr)
    throw ValueError(str("mz::dist::nccl_native_all_reduce: expected an NCCL communicator, got ",
                         "the ", comm.backend(), " backend."));
  nccl->native_all_reduce(t);
}

#else

bool nccl_available() { return false; }

namespace {
[[noreturn]] void no_nccl(const char* who) {
  throw BackendError(str("mz::dist::", who,
                         ": merezha was built without NCCL (configure with -DMZ_CUDA=ON where "
                         "the CUDA toolkit has nccl.h and libnccl; cmake prints \"✓ NCCL\")."));
}
}  // namespace

Device nccl_device() { no_nccl("nccl_device"); }

CommunicatorPtr nccl_communicator(const CommunicatorPtr&) { no_nccl("nccl_communicator"); }

void nccl_native_all_reduce(Communicator&, Tensor&) { no_nccl("nccl_native_all_reduce"); }

#endif

}  // namespace mz::dist
