// Builds the kernel tables: each backend lists its families in one register function
// (STYLE.md rule 4). cpu starts from ref, so a missing cpu kernel falls back to ref.
#include <string>

#include "mz/backend/kernel.h"
#include "mz/backend/ref/register.h"
#include "mz/backend/cpu/register.h"

namespace mz {
namespace {

struct Tables {
  KernelTable table[kNumDeviceTypes];
  Tables() {
    ref::register_kernels(table[static_cast<int>(DeviceType::ref)]);
    table[static_cast<int>(DeviceType::cpu)] = table[static_cast<int>(DeviceType::ref)];
    cpu::register_kernels(table[static_cast<int>(DeviceType::cpu)]);
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
    throw BackendError(str(op_name(op), ": merezha was built without CUDA: no ", device.name(),
                           " device."));
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
bool backend_available(DeviceType type) { return type != DeviceType::cuda; }
}  // namespace detail

}  // namespace mz
