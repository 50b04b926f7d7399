// Lists every cuda family (STYLE.md rule 4) and starts the backend on first use.
#include "mz/backend/cuda/register.h"

#include "mz/backend/cuda/allocator.h"
#include "mz/backend/cuda/runtime.h"

namespace mz::cuda {

bool start() {
  if (device_count() == 0) return false;
  set_allocator(DeviceType::cuda, &device_allocator());
  set_device_copy(copy_bytes);
  return true;
}

void register_kernels(KernelTable& table) {
  register_creation(table);
  register_arith(table);
  register_activation(table);
  register_reduce(table);
  register_linalg(table);
  register_softmax(table);
  register_index(table);
  register_conv(table);
  register_pool(table);
  register_norm(table);
  register_rnn(table);
  register_ctc(table);
}

}  // namespace mz::cuda
