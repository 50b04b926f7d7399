// arith kernels (cpu).
#include "mz/backend/cpu/register.h"

namespace mz::cpu {

void register_arith(KernelTable& t) {}

}  // namespace mz::cpu
