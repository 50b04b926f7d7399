// The MPI backend. The deterministic sum is a reduce-scatter by all-to-all (rank c receives
// every rank's chunk c and adds them in rank order) then an all-gather of the summed chunks:
// bandwidth-optimal like a ring (2 (N - 1) / N of the data per rank) and bitwise reproducible;
// small sums are one all-gather of everything, each rank adding in rank order.
// Without MZ_HAVE_MPI the entry points throw BackendError.
#include "mz/dist/mpi_communicator.h"

#if MZ_HAVE_MPI
#include <mpi.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>
#endif

namespace mz::dist {

#if MZ_HAVE_MPI
namespace {

constexpr int kQueryTag = 1;  // "where are you?" carrying the asker's collective number
constexpr int kReplyTag = 2;  // the answer: the replier's collective number (-1: none)
// Deterministic sums whose gathered values (size() copies) fit in this many bytes take one
// all-gather instead of an all-to-all and an all-gather.
constexpr int64_t kSmallSum = 64 * 1024;

// Throws BackendError naming the call unless rc is MPI_SUCCESS.
void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw BackendError(str("mz::dist mpi: ", call, " failed: ", std::string(text, length), "."));
}

int to_int(int64_t n, const std::string& label) {
  if (n > INT_MAX)
    throw ValueError(str(label, ": a single MPI message holds at most ", INT_MAX, " elements, got ",
                         n, "; split the tensor."));
  return static_cast<int>(n);
}

template <class T>
void add_chunks_in_rank_order(const T* chunks, T* out, int64_t count, int ranks) {
  for (int64_t i = 0; i < count; ++i) out[i] = chunks[i];
  for (int r = 1; r < ranks; ++r) {
    const T* x = chunks + r * count;
    for (int64_t i = 0; i < count; ++i) out[i] = out[i] + x[i];
  }
}

class MpiCommunicator : public Communicator {
 public:
  MpiCommunicator(int rank, int size, bool finalize)
      : Communicator(rank, size), finalize_(finalize) {
    check(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup");
    check(MPI_Comm_dup(MPI_COMM_WORLD, &control_), "MPI_Comm_dup");
  }
  ~MpiCommunicator() override { shut_down(); }

  // Ends the worker, frees the communicators and finalises MPI if this object initialised it.
  // Idempotent; collectives after it fail.
  void shut_down() {
    stop_worker();
    if (comm_ == MPI_COMM_NULL) return;
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) {
      MPI_Comm_free(&control_);
      MPI_Comm_free(&comm_);
      if (finalize_) MPI_Finalize();
    }
    comm_ = control_ = MPI_COMM_NULL;
  }

  std::string backend() const override { return "mpi"; }

  void abort(const std::string& message) override {
    std::fprintf(stderr, "%s\nmz::dist: rank %d of %d aborts the job (MPI_Abort).\n",
                 message.c_str(), rank(), size());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }

 protected:
  void sum_raw(void* data, int64_t count, DType dtype, const std::string& label) override {
    check_open(label);
    MPI_Datatype type = dtype == DType::f32 ? MPI_FLOAT : MPI_DOUBLE;
    const std::size_t item = dtype_size(dtype);
    MPI_Request request;
    if (!deterministic()) {
      check(
          MPI_Iallreduce(MPI_IN_PLACE, data, to_int(count, label), type, MPI_SUM, comm_, &request),
          "MPI_Iallreduce");
      wait(request, label);
      return;
    }
    const int n = size(), me = rank();
    if (static_cast<int64_t>(item) * count * n <= kSmallSum) {
      // Small (logs, flags): one all-gather of every rank's values, then each rank adds them
      // all in rank order itself; one round trip instead of two, the same bits.
      std::vector<char> all(static_cast<std::size_t>(n) * static_cast<std::size_t>(count) * item);
      const int bytes = to_int(count * static_cast<int64_t>(item), label);
      check(MPI_Iallgather(data, bytes, MPI_BYTE, all.data(), bytes, MPI_BYTE, comm_, &request),
            "MPI_Iallgather");
      wait(request, label);
      if (dtype == DType::f32)
        add_chunks_in_rank_order(reinterpret_cast<const float*>(all.data()),
                                 static_cast<float*>(data), count, n);
      else
        add_chunks_in_rank_order(reinterpret_cast<const double*>(all.data()),
                                 static_cast<double*>(data), count, n);
      return;
    }
    // Chunk c = elements [c * count / N, (c + 1) * count / N) belongs to rank c.
    std::vector<int> counts(n), offsets(n), recv_counts(n), recv_offsets(n);
    for (int c = 0; c < n; ++c) {
      int64_t begin = c * count / n, end = (c + 1) * count / n;
      offsets[c] = to_int(begin, label);
      counts[c] = to_int(end - begin, label);
    }
    const int mine = counts[me];
    for (int r = 0; r < n; ++r) {
      recv_counts[r] = mine;
      recv_offsets[r] = r * mine;
    }
    std::vector<char> chunks(static_cast<std::size_t>(n) * mine * item);
    check(MPI_Ialltoallv(data, counts.data(), offsets.data(), type, chunks.data(),
                         recv_counts.data(), recv_offsets.data(), type, comm_, &request),
          "MPI_Ialltoallv");
    wait(request, label);
    char* my_chunk = static_cast<char*>(data) + static_cast<std::size_t>(offsets[me]) * item;
    if (dtype == DType::f32)
      add_chunks_in_rank_order(reinterpret_cast<const float*>(chunks.data()),
                               reinterpret_cast<float*>(my_chunk), mine, n);
    else
      add_chunks_in_rank_order(reinterpret_cast<const double*>(chunks.data()),
                               reinterpret_cast<double*>(my_chunk), mine, n);
    check(MPI_Iallgatherv(MPI_IN_PLACE, 0, type, data, counts.data(), offsets.data(), type, comm_,
                          &request),
          "MPI_Iallgatherv");
    wait(request, label);
  }

  void broadcast_raw(void* data, int64_t bytes, int root, const std::string& label) override {
    check_open(label);
    constexpr int64_t kPiece = INT_MAX / 2;
    for (int64_t at = 0; at < bytes; at += kPiece) {
      MPI_Request request;
      check(
          MPI_Ibcast(static_cast<char*>(data) + at, static_cast<int>(std::min(kPiece, bytes - at)),
                     MPI_BYTE, root, comm_, &request),
          "MPI_Ibcast");
      wait(request, label);
    }
  }

  void all_gather_raw(const void* in, void* out, int64_t bytes, const std::string& label) override {
    check_open(label);
    MPI_Request request;
    const int b = to_int(bytes, label);
    check(MPI_Iallgather(in, b, MPI_BYTE, out, b, MPI_BYTE, comm_, &request), "MPI_Iallgather");
    wait(request, label);
  }

  void barrier_raw(const std::string& label) override {
    check_open(label);
    MPI_Request request;
    check(MPI_Ibarrier(comm_, &request), "MPI_Ibarrier");
    wait(request, label);
  }

 private:
  void check_open(const std::string& label) const {
    if (comm_ == MPI_COMM_NULL)
      throw BackendError(str(label, ": the MPI communicator was shut down (mpi_shut_down)."));
  }

  // Polls `request` until it completes, answering other ranks' "where are you?" meanwhile.
  // For the first 2 ms it yields the core between polls (a peer on the same core runs at
  // once); then it sleeps 20 us, doubling up to 1 ms. Never a full-speed spin: these VMs
  // punish it. On the deadline: report() and abort.
  // NOTE: sleeping from the first poll made W1 at np 2 twenty times slower on a loaded 2-core
  // VM: every phase of a collective waited for a sleeping peer's wake-up.
  void wait(MPI_Request& request, const std::string& label) {
    const int64_t seq = ++collectives_;
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration<double>(timeout());
    const auto yield_until = start + std::chrono::milliseconds(2);
    auto nap = std::chrono::microseconds(20);
    for (;;) {
      int done = 0;
      check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      if (done) return;
      answer_queries(seq);
      const auto now = Clock::now();
      if (now > deadline) abort(report(seq, label));
      if (now < yield_until) {
        std::this_thread::yield();
        continue;
      }
      std::this_thread::sleep_for(nap);
      nap = std::min(nap * 2, std::chrono::microseconds(1000));
    }
  }

  // Replies to every pending query with this rank's collective number.
  void answer_queries(int64_t seq) {
    for (;;) {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, kQueryTag, control_, &flag, &status);
      if (!flag) return;
      int64_t theirs = 0;
      MPI_Recv(&theirs, 1, MPI_INT64_T, status.MPI_SOURCE, kQueryTag, control_, MPI_STATUS_IGNORE);
      MPI_Send(&seq, 1, MPI_INT64_T, status.MPI_SOURCE, kReplyTag, control_);
    }
  }

  // Asks every rank which collective it waits in, listens for a grace period, and returns the
  // timeout message naming the ranks that did not arrive.
  std::string report(int64_t seq, const std::string& label) {
    std::vector<MPI_Request> sends;
    for (int r = 0; r < size(); ++r) {
      if (r == rank()) continue;
      sends.emplace_back();
      MPI_Isend(&seq, 1, MPI_INT64_T, r, kQueryTag, control_, &sends.back());
    }
    std::map<int, int64_t> where;  // rank -> the collective it waits in
    const auto grace = std::chrono::duration<double>(std::min(2.0, timeout() / 2));
    const auto until = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < until &&
           static_cast<int>(where.size()) < size() - 1) {
      int flag = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, control_, &flag, &status);
      if (!flag) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      int64_t theirs = 0;
      MPI_Recv(&theirs, 1, MPI_INT64_T, status.MPI_SOURCE, status.MPI_TAG, control_,
               MPI_STATUS_IGNORE);
      if (status.MPI_TAG == kQueryTag)  // it timed out too, waiting in collective `theirs`
        MPI_Send(&seq, 1, MPI_INT64_T, status.MPI_SOURCE, kReplyTag, control_);
      where[status.MPI_SOURCE] = theirs;
    }
    std::vector<int> missing, elsewhere;
    for (int r = 0; r < size(); ++r) {
      if (r == rank()) continue;
      auto it = where.find(r);
      if (it == where.end() || it->second != seq) missing.push_back(r);
      if (it != where.end() && it->second != seq) elsewhere.push_back(r);
    }
    std::string detail;
    if (!elsewhere.empty()) {
      detail = " (waiting in another collective:";
      for (int r : elsewhere)
        detail += str(" rank ", r, " in #", where[r], r == elsewhere.back() ? ")" : ",");
    }
    return str(label, ": timed out after ", timeout(), " s on rank ", rank(), " of ", size(),
               " (collective #", seq, "): rank", missing.size() > 1 ? "s " : " ",
               rank_list(missing), " did not arrive", detail,
               ". A rank that is busy, hung, dead or finished gives no answer.");
  }

  MPI_Comm comm_ = MPI_COMM_NULL, control_ = MPI_COMM_NULL;
  bool finalize_ = false;
  int64_t collectives_ = 0;
};

std::mutex& live_mutex() {
  static std::mutex m;
  return m;
}

std::weak_ptr<Communicator>& live_communicator() {
  static std::weak_ptr<Communicator> live;
  return live;
}

}  // namespace

bool mpi_available() { return true; }

CommunicatorPtr mpi_communicator() {
  // NOTE: MPI can be initialised once per process, so the live communicator is shared.
  std::weak_ptr<Communicator>& live = live_communicator();
  std::lock_guard<std::mutex> lock(live_mutex());
  if (CommunicatorPtr comm = live.lock()) return comm;
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (finalized)
    throw BackendError(
        "mz::dist::mpi_communicator: MPI was finalised already; keep the "
        "communicator of dist::init() alive for the whole program.");
  if (!initialized) {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  auto comm = std::make_shared<MpiCommunicator>(rank, size, /*finalize=*/!initialized);
  live = comm;
  return comm;
}

void mpi_shut_down() {
  std::lock_guard<std::mutex> lock(live_mutex());
  if (CommunicatorPtr comm = live_communicator().lock())
    static_cast<MpiCommunicator&>(*comm).shut_down();
}

void mpi_native_all_reduce(Tensor& t) {
  if (t.dtype() != DType::f32 && t.dtype() != DType::f64)
    throw ValueError(str("mpi_native_all_reduce: expected float32 or float64, got ",
                         dtype_name(t.dtype()), "."));
  if (!t.device().is_host() || !t.is_contiguous())
    throw ValueError("mpi_native_all_reduce: expected a contiguous host tensor.");
  check(MPI_Allreduce(MPI_IN_PLACE, t.raw_data(), to_int(t.numel(), "mpi_native_all_reduce"),
                      t.dtype() == DType::f32 ? MPI_FLOAT : MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD),
        "MPI_Allreduce");
}

#else

bool mpi_available() { return false; }

CommunicatorPtr mpi_communicator() {
  throw BackendError(
      "mz::dist::mpi_communicator: merezha was built without MPI (apt-get install "
      "libopenmpi-dev openmpi-bin, then configure again).");
}

void mpi_shut_down() {}

void mpi_native_all_reduce(Tensor&) {
  throw BackendError("mpi_native_all_reduce: merezha was built without MPI.");
}

#endif

}  // namespace mz::dist
