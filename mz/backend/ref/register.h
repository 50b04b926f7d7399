// The ref backend: plain loops in float32 and float64 (and integers where an op takes them).
// It is the specification and the test oracle; every other backend is compared with it.
#pragma once

#include "mz/backend/kernel.h"

namespace mz::ref {

// Fills the table with every ref kernel, family by family.
void register_kernels(KernelTable& table);

// One per family file (backend/ref/<family>.cpp).
void register_creation(KernelTable& table);
void register_arith(KernelTable& table);
void register_activation(KernelTable& table);
void register_reduce(KernelTable& table);
void register_linalg(KernelTable& table);
void register_softmax(KernelTable& table);
void register_index(KernelTable& table);
void register_conv(KernelTable& table);
void register_pool(KernelTable& table);
void register_norm(KernelTable& table);
void register_rnn(KernelTable& table);
void register_ctc(KernelTable& table);

}  // namespace mz::ref
