// Lists every cpu family.
#include "mz/backend/cpu/register.h"

namespace mz::cpu {

void register_kernels(KernelTable& table) {
  register_arith(table);
  register_activation(table);
  register_reduce(table);
  register_linalg(table);
  register_softmax(table);
  register_index(table);
  register_conv(table);
  register_pool(table);
  register_shape(table);
  register_norm(table);
  register_rnn(table);
  register_ctc(table);
}

}  // namespace mz::cpu
