// GEMM plumbing shared by linalg.cu (matmul, linear) and gemm_lt.cpp (cuBLASLt plans): how a
// row-major operand reaches column-major cuBLAS, and one fused act(x @ w + b) call.
#pragma once

#include <cublasLt.h>
#include <cublas_v2.h>

#include <cstdint>

#include "mz/backend/cuda/runtime.h"
#include "mz/backend/kernel.h"

namespace mz::cuda {

// A row-major (rows, cols) operand X as cuBLAS reads X^T: op N on a column-major (cols, rows)
// matrix, or op T on a column-major (rows, cols) one; ld in elements.
struct GemmOperand {
  cublasOperation_t op = CUBLAS_OP_N;
  int64_t ld = 1;
};

// X^T of a row-major (rows, cols) matrix with strides (s0, s1); throws InternalError unless
// one stride is 1 and the other covers its dimension (ops/linalg.cpp's gemm_ready).
GemmOperand transposed_operand(int64_t rows, int64_t cols, int64_t s0, int64_t s1);

// y (rows, out) contiguous = act(x (rows, in) @ w (in, out) + bias (out,) or none).
struct LinearCall {
  DType dtype = DType::f32;  // f32 or f64 (element type of x, w, bias and y)
  bool bf16 = false;         // f32 dtype slot, but x, w and y hold bfloat16 (GEMM benchmark)
  int64_t rows = 0, in = 0, out = 0;
  GemmOperand x, w;
  Act act = Act::linear;
};

// Runs the call on the context's stream: cuBLASLt with the bias and relu in the epilogue when
// it has a plan for it, else cuBLAS GEMM then one bias/activation pass.
void gemm_bias_act(DeviceContext& ctx, const LinearCall& call, const void* w, const void* x,
                   const void* bias, void* y);

// y (rows, n) contiguous = act(y), float32 or float64, on the context's stream.
void apply_activation(DeviceContext& ctx, DType dtype, void* y, int64_t rows, int64_t n, Act act);

// The cuBLASLt path alone (float32, TF32 when tf32_enabled(), or bfloat16 with float32
// accumulation): false, having queued nothing, when cuBLASLt offers no algorithm for it.
// Plans (descriptors and the chosen algorithm) are cached per shape and alignment.
bool lt_linear(DeviceContext& ctx, const LinearCall& call, const void* w, const void* x,
               const void* bias, void* y);

}  // namespace mz::cuda
