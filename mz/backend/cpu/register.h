// The cpu backend: BLAS GEMM, vectorised and threaded element-wise ops and reductions, fused
// kernels. Anything it does not override runs the ref kernel.
#pragma once

#include "mz/backend/kernel.h"

namespace mz::cpu {

// Overrides ref kernels in `table` (a copy of the ref table) with the fast ones.
void register_kernels(KernelTable& table);

void register_arith(KernelTable& table);
void register_activation(KernelTable& table);
void register_reduce(KernelTable& table);
void register_linalg(KernelTable& table);
void register_softmax(KernelTable& table);
void register_index(KernelTable& table);
void register_conv(KernelTable& table);
void register_pool(KernelTable& table);
void register_shape(KernelTable& table);
void register_norm(KernelTable& table);
void register_rnn(KernelTable& table);
void register_ctc(KernelTable& table);

}  // namespace mz::cpu
