// The cuda backend: our own kernels for element-wise ops, reductions, softmax, indexing,
// convolution, pooling, normalisation, recurrent cells and CTC; cuBLAS/cuBLASLt for matmul and
// linear; cuDNN for large 1-D/2-D convolutions (conv_cudnn.h). Every kernel runs on its
// device's one stream; inputs may be any strided views, outputs are written where the op put
// them. Read runtime.h next. Switches (environment): MEREZHA_CUDA_TF32=1,
// MEREZHA_CUDA_DETERMINISTIC=1 (runtime.h), MEREZHA_CUDA_CONV=cudnn|direct (conv_cudnn.h).
#pragma once

#include <cstddef>
#include <string>

#include "mz/backend/kernel.h"

namespace mz::cuda {

// Starts the backend when a device is present: installs the caching allocator and the
// host/device copy in core. Returns false (installing nothing) when there is no device.
bool start();
// "1 device", or why there is none (runtime.h device_status()).
std::string device_status();

// Fills the table with every cuda kernel, family by family.
void register_kernels(KernelTable& table);

// One per family file (backend/cuda/<family>.cu or .cpp).
void register_creation(KernelTable& table);
void register_arith(KernelTable& table);    // calls register_compare
void register_compare(KernelTable& table);  // comparisons and where (compare.cu)
void register_activation(KernelTable& table);
void register_reduce(KernelTable& table);
void register_linalg(KernelTable& table);
void register_softmax(KernelTable& table);
void register_index(KernelTable& table);
void register_conv(KernelTable& table);  // direct convolution kernels (conv.cu)
void register_pool(KernelTable& table);
void register_norm(KernelTable& table);  // batch norm and layer norm
void register_rnn(KernelTable& table);   // LSTM and GRU cells
void register_ctc(KernelTable& table);   // CTC loss and its gradient (ctc.cu)

// core's DeviceCopyFn for every copy that touches a cuda buffer (transfer.cpp).
void copy_bytes(void* dst, Device dst_device, const void* src, Device src_device,
                std::size_t nbytes);

}  // namespace mz::cuda
