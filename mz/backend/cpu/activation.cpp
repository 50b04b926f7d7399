// activation kernels (cpu).
#include "mz/backend/cpu/register.h"

namespace mz::cpu {

void register_activation(KernelTable& t) {}

}  // namespace mz::cpu
