// linalg kernels (cpu).
#include "mz/backend/cpu/register.h"

namespace mz::cpu {

void register_linalg(KernelTable& t) {}

}  // namespace mz::cpu
