// The cuda backend's runtime: devices, one stream per device (every kernel, copy and cuBLAS
// call of a device is queued on it, so memory freed on the host is safe to reuse at once),
// cuBLAS/cuBLASLt handles, the index-error slot, and CUDA error checks. Start with activate().
#pragma once

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "mz/core/device.h"

namespace mz::cuda {

// Throws BackendError "<what>: CUDA error cudaErrorX (text)." unless status is cudaSuccess.
void check(cudaError_t status, const char* what);
// Throws BackendError "<what>: cuBLAS error CUBLAS_STATUS_X." unless status is SUCCESS.
void check(cublasStatus_t status, const char* what);
// Checks the launch of the kernel just queued (bad configuration, missing sm_90 image, ...).
void check_launch(const char* what);

// The number of CUDA devices; 0 when there is no driver or no device.
int device_count();
// Why device_count() is 0, or "N device(s)": "cudaGetDeviceCount: CUDA driver version is
// insufficient for CUDA runtime version".
std::string device_status();

// What a device keeps for the process: created on its first activate(), never destroyed.
struct DeviceContext {
  int index = 0;
  int sm_count = 1;
  cudaStream_t stream = nullptr;  // non-blocking; every op of the device runs on it
  cublasHandle_t blas = nullptr;  // bound to `stream`
  cublasLtHandle_t lt = nullptr;
  void* lt_workspace = nullptr;                    // cuBLASLt scratch, kLtWorkspaceBytes
  unsigned long long* index_error = nullptr;       // device slot: lowest bad index position, or ~0
  unsigned long long* index_error_host = nullptr;  // pinned mirror for reading it back
  std::mutex mutex;  // guards cached cuBLASLt plans and the error slot
};

inline constexpr std::size_t kLtWorkspaceBytes = std::size_t{32} << 20;

// Makes device `index` current on the calling thread and returns its context; throws
// BackendError "cuda:3: no such device (1 present)." for a device that does not exist.
DeviceContext& activate(int index);
// The stream of the tensor's device, which is made current.
inline cudaStream_t stream_of(Device device) { return activate(device.index).stream; }

// Waits for the device's stream; throws BackendError when queued work failed.
void synchronize(int index);

// MEREZHA_CUDA_TF32=1: float32 matmul and linear may use TF32 tensor cores (10-bit mantissa
// products, float32 sums), as torch.backends.cuda.matmul.allow_tf32. Off by default.
bool tf32_enabled();
// MEREZHA_CUDA_DETERMINISTIC=1: every kernel gives the same bits on every run (scatter_add
// never uses atomics, however long its axis; cuDNN convolutions use deterministic algorithms
// only, else the direct kernels). Without it, scatter_add over axes longer than 64 and cuDNN's
// convolution gradients may differ in the last bits between runs.
bool deterministic();

// Reads and clears the device's index-error slot (kernels that find an index out of range
// lower it with atomicMin); waits for the stream. Returns ~0ull when no kernel found one.
unsigned long long take_index_error(DeviceContext& ctx);

}  // namespace mz::cuda
