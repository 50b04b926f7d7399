// Device contexts (stream, cuBLAS handles, scratch), error checks and the backend's switches.
#include "mz/backend/cuda/runtime.h"

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "mz/core/error.h"

namespace mz::cuda {
namespace {

constexpr int kMaxDevices = 64;

// cudaGetDeviceCount once per process, with its error when it fails.
struct DeviceCount {
  int count = 0;
  cudaError_t status = cudaSuccess;
  DeviceCount() {
    status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
      count = 0;
      cudaGetLastError();  // clear the sticky status so later calls start clean
    }
  }
};

const DeviceCount& counted() {
  static const DeviceCount c;
  return c;
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && v[0] != '\0' && std::strcmp(v, "0") != 0;
}

// NOTE: leaked on purpose, like the host allocator: tensors in static objects are freed after
// main returns, and their blocks go back through a context that must still exist.
std::array<DeviceContext*, kMaxDevices>& contexts() {
  static auto* all = new std::array<DeviceContext*, kMaxDevices>{};
  return *all;
}

std::mutex& contexts_mutex() {
  static auto* m = new std::mutex;
  return *m;
}

// Creates device `index`'s context; the device is already current.
DeviceContext* create_context(int index) {
  auto ctx = std::make_unique<DeviceContext>();
  ctx->index = index;
  check(cudaDeviceGetAttribute(&ctx->sm_count, cudaDevAttrMultiProcessorCount, index),
        "cuda: reading the multiprocessor count");
  check(cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking), "cuda: creating a stream");
  check(cublasCreate(&ctx->blas), "cuda: creating the cuBLAS handle");
  check(cublasSetStream(ctx->blas, ctx->stream), "cuda: binding cuBLAS to the stream");
  check(cublasSetMathMode(ctx->blas,
                          tf32_enabled() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
        "cuda: setting the cuBLAS math mode");
  check(cublasLtCreate(&ctx->lt), "cuda: creating the cuBLASLt handle");
  check(cudaMalloc(&ctx->lt_workspace, kLtWorkspaceBytes), "cuda: allocating cuBLASLt scratch");
  check(cudaMalloc(reinterpret_cast<void**>(&ctx->index_error), sizeof(unsigned long long)),
        "cuda: allocating the index-error slot");
  check(cudaMemsetAsync(ctx->index_error, 0xff, sizeof(unsigned long long), ctx->stream),
        "cuda: clearing the index-error slot");
  check(
      cudaMallocHost(reinterpret_cast<void**>(&ctx->index_error_host), sizeof(unsigned long long)),
      "cuda: allocating pinned memory");
  return ctx.release();
}

}  // namespace

void check(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clears a non-sticky error; sticky ones stay until the process ends
  throw BackendError(
      str(what, ": CUDA error ", cudaGetErrorName(status), " (", cudaGetErrorString(status), ")."));
}

void check(cublasStatus_t status, const char* what) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw BackendError(str(what, ": cuBLAS error ", cublasGetStatusName(status), " (",
                         cublasGetStatusString(status), ")."));
}

void check_launch(const char* what) {
  const cudaError_t status = cudaGetLastError();
  if (status != cudaErrorNotReady) check(status, what);  // a query's "not yet" is no failure
}

int device_count() { return counted().count; }

std::string device_status() {
  const DeviceCount& c = counted();
  if (c.status != cudaSuccess) return str("cudaGetDeviceCount: ", cudaGetErrorString(c.status));
  if (c.count == 0) return "cudaGetDeviceCount found no device";
  return str(c.count, c.count == 1 ? " device" : " devices");
}

DeviceContext& activate(int index) {
  thread_local int current = -1;
  thread_local DeviceContext* current_ctx = nullptr;
  if (index == current) return *current_ctx;
  if (index < 0 || index >= device_count())
    throw BackendError(
        str(Device::cuda(index), ": no such device (", device_count(), " present)."));
  check(cudaSetDevice(index), "cuda: selecting the device");
  DeviceContext* ctx = nullptr;
  {
    std::lock_guard lock(contexts_mutex());
    DeviceContext*& slot = contexts()[static_cast<std::size_t>(index)];
    if (!slot) slot = create_context(index);
    ctx = slot;
  }
  current = index;
  current_ctx = ctx;
  return *ctx;
}

void synchronize(int index) {
  DeviceContext& ctx = activate(index);
  check(cudaStreamSynchronize(ctx.stream), "cuda: waiting for queued work");
}

bool tf32_enabled() {
  static const bool on = env_flag("MEREZHA_CUDA_TF32");
  return on;
}

bool deterministic() {
  static const bool on = env_flag("MEREZHA_CUDA_DETERMINISTIC");
  return on;
}

unsigned long long take_index_error(DeviceContext& ctx) {
  std::lock_guard lock(ctx.mutex);
  check(cudaMemcpyAsync(ctx.index_error_host, ctx.index_error, sizeof(unsigned long long),
                        cudaMemcpyDeviceToHost, ctx.stream),
        "cuda: reading the index-error slot");
  check(cudaStreamSynchronize(ctx.stream), "cuda: waiting for an index kernel");
  const unsigned long long pos = *ctx.index_error_host;
  if (pos != ~0ull)
    check(cudaMemsetAsync(ctx.index_error, 0xff, sizeof(unsigned long long), ctx.stream),
          "cuda: clearing the index-error slot");
  return pos;
}

}  // namespace mz::cuda
