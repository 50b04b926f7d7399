// Lists every ref family (STYLE.md rule 4: explicit registration, no static registrars).
#include "mz/backend/ref/register.h"

namespace mz::ref {

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

}  // namespace mz::ref
