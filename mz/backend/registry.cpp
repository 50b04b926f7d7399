// Builds the kernel tables: each backend lists its families in one register function
// (STYLE.md rule 4). cpu starts from ref, so a missing cpu kernel falls back to ref; cuda starts
// empty, so a missing cuda kernel is a BackendError, never a silent trip through the host.
#include <string>

#include "mz/backend/kernel.h"
#include "mz/backend/ref/register.h"
#include "mz/backend/cpu/register.h"
#ifdef MZ_HAVE_CUDA
#include "mz/backend/cuda/register.h"
#endif

namespace mz {
namespace {

struct Tables {
  KernelTable table[kNumDeviceTypes];
  Tables() {
    ref::register_kernels(table[static_cast<int>(DeviceType::ref)]);
    table[static_cast<int>(DeviceType::cpu)] = table[static_cast<int>(DeviceType::ref)];
    cpu::register_kernels(table[static_cast<int>(DeviceType::cpu)]);
#ifdef MZ_HAVE_CUDA
    cuda::register_kernels(table[static_cast<int>(DeviceType::cuda)]);
#endif
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const KernelTable& kernel_table(DeviceType type) {
  return tables().table[static_cast<int>(type)];
}

KernelFn find_kernel(Device device, Op op, DType dtype) {
  if (!detail::backend_available(device.type))
    throw BackendError(str(op_name(op), ": ", detail::backend_unavailable_reason(device.type),
                           ": no ", device.name(), " device."));
  const KernelTable& table = kernel_table(device.type);
  if (KernelFn fn = table.get(op, dtype)) return fn;
  std::string have;
  for (int d = 0; d < kNumDTypes; ++d)
    if (table.fn[static_cast<int>(op)][d])
      have += str(have.empty() ? "" : ", ", dtype_name(static_cast<DType>(d)));
  throw BackendError(str(op_name(op), ": no ", device.type == DeviceType::cuda ? "cuda" : device.name(),
                         " kernel for ", dtype_name(dtype), " (", device.name(),
                         " kernels exist for ", have.empty() ? "no dtype" : have, ")."));
}

namespace detail {

// cuda: built in, and cudaGetDeviceCount finds a device; the first call starts the backend
// (allocator, copies) and every later call reads the cached answer.
bool backend_available(DeviceType type) {
  if (type != DeviceType::cuda) return true;
#ifdef MZ_HAVE_CUDA
  static const bool present = cuda::start();
  return present;
#else
  return false;
#endif
}

std::string backend_unavailable_reason(DeviceType type) {
  if (type != DeviceType::cuda) return "";
#ifdef MZ_HAVE_CUDA
  return str("no CUDA device is present (", cuda::device_status(), ")");
#else
  return "merezha was built without CUDA";
#endif
}

}  // namespace detail

}  // namespace mz
