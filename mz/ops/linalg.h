// Matrix products through the backend's GEMM.
#pragma once

#include "mz/backend/kernel.h"
#include "mz/core/tensor.h"

namespace mz {

// a @ b for a (..., M, K) and b (..., K, N), batch dimensions broadcasting; 1-D operands are
// promoted as NumPy does. A transposed view (x.mT()) is passed to GEMM without a copy.
Tensor matmul(const Tensor& a, const Tensor& b);
// act(x @ w + b) in one kernel: x (..., in), w (in, out), b (out,) or undefined;
// act in {linear, relu, tanh, sigmoid}. The Dense layer's forward.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b, Act act = Act::linear);

}  // namespace mz
