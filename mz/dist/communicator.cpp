// Communicator's tensor-level collectives (checks, host staging, averaging) over the backends'
// byte-level ones, and dist::init(), which picks the backend from the environment.
#include "mz/dist/communicator.h"

#include <cstdlib>
#include <cstring>

#include "mz/dist/in_process.h"
#include "mz/dist/mpi_communicator.h"
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

Communicator::Communicator(int rank, int size) : rank_(rank), size_(size) {
  MZ_ASSERT(size >= 1 && rank >= 0 && rank < size, str("rank ", rank, " of ", size));
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
  Tensor host = host_copy(t);
  sum_raw(host.raw_data(), host.numel(), host.dtype(), label("all_reduce", what));
  if (op == ReduceOp::average) {
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
  write_back(t, host);
}

void Communicator::broadcast(Tensor& t, int root, const std::string& what) {
  if (!t.defined()) throw ValueError(str(label("broadcast", what), ": got an undefined tensor."));
  if (root < 0 || root >= size_)
    throw ValueError(str(label("broadcast", what), ": root must be a rank in [0, ", size_,
                         "), got ", root, "."));
  if (size_ == 1 || t.numel() == 0) return;
  Tensor host = host_copy(t);
  broadcast_raw(host.raw_data(), host.numel() * static_cast<int64_t>(dtype_size(host.dtype())),
                root, label("broadcast", what));
  write_back(t, host);
}

void Communicator::broadcast(std::string& text, int root, const std::string& what) {
  if (size_ == 1) return;
  int64_t length = static_cast<int64_t>(text.size());
  broadcast_raw(&length, sizeof(length), root, label("broadcast", what + " length"));
  text.resize(static_cast<std::size_t>(length));
  if (length > 0) broadcast_raw(text.data(), length, root, label("broadcast", what));
}

Tensor Communicator::all_gather(const Tensor& t, const std::string& what) {
  if (!t.defined()) throw ValueError(str(label("all_gather", what), ": got an undefined tensor."));
  Tensor host = host_copy(t);
  Shape shape = t.shape();
  std::vector<int64_t> dims = {static_cast<int64_t>(size_)};
  for (int i = 0; i < shape.rank(); ++i) dims.push_back(shape[i]);
  Tensor out = empty(Shape(dims), {.dtype = t.dtype(), .device = Device::cpu()});
  const auto bytes = t.numel() * static_cast<int64_t>(dtype_size(t.dtype()));
  if (size_ == 1) {
    if (bytes > 0) std::memcpy(out.raw_data(), host.raw_data(), static_cast<std::size_t>(bytes));
  } else if (bytes > 0) {
    all_gather_raw(host.raw_data(), out.raw_data(), bytes, label("all_gather", what));
  }
  return t.device().is_host() ? out : out.to(t.device());
}

void Communicator::barrier(const std::string& what) {
  if (size_ > 1) barrier_raw(label("barrier", what));
}

std::string rank_list(const std::vector<int>& ranks) {
  std::string out;
  for (std::size_t i = 0; i < ranks.size(); ++i) out += (i ? ", " : "") + std::to_string(ranks[i]);
  return out;
}

CommunicatorPtr init() {
  const bool launched = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr ||
                        std::getenv("PMIX_RANK") != nullptr || std::getenv("PMI_SIZE") != nullptr;
  if (launched) return mpi_communicator();
  return in_process_world(1).front();
}

}  // namespace mz::dist
