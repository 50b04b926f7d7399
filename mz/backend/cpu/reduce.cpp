// reduce kernels (cpu).
#include "mz/backend/cpu/register.h"

namespace mz::cpu {

void register_reduce(KernelTable& t) {}

}  // namespace mz::cpu
