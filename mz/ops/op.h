// The one list of ops that have kernels. Every backend fills a table indexed by Op and DType
// (backend/kernel.h). Adding an op: add it here AND to kOpNames; the static_assert checks both.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mz {

enum class Op : uint16_t {
  // creation and movement (ops/creation.h, ops/shape.h)
  fill, copy,
  // element-wise binary, broadcasting (ops/arith.h); comparisons give uint8 0/1
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge,
  // element-wise ternary
  where,
  // element-wise unary (ops/arith.h); scalar operands ride in OpAttrs
  neg, abs, sign, sqrt, rsqrt, exp, log, log1p, square, clip, add_scalar, mul_scalar, pow_scalar,
  // a + alpha * b in one pass (in-place optimizer updates), alpha in OpAttrs
  add_scaled,
  // activations (ops/activation.h)
  relu, relu6, leaky_relu, elu, selu, gelu, sigmoid, hard_sigmoid, tanh, softplus, softsign, silu,
  // dy * f'(x) from y = f(x), fused (relu, tanh, sigmoid, linear)
  act_grad,
  // reductions (ops/reduce.h)
  sum, mean, max, min, argmax, argmin,
  // linear algebra (ops/linalg.h): matmul, and fused act(x @ w + b)
  matmul, linear,
  // normalised exponentials (ops/softmax.h)
  softmax, log_softmax,
  // indexing (ops/index.h)
  one_hot, gather, scatter_add, concat, pad,
  // convolution and pooling over channels_last tensors, 1 to 3 spatial axes (ops/conv.h,
  // ops/pool.h); geometry in OpAttrs (strides, dilation, window, pads, groups)
  conv, conv_grad_input, conv_grad_weight, max_pool, max_pool_grad, avg_pool, avg_pool_grad,
  // normalisation (ops/norm.h)
  // channels_last batch norm (training statistics + normalise) and layer norm over the
  // trailing axes, with their fused backward ops; epsilon in OpAttrs::alpha
  batch_norm, batch_norm_grad, layer_norm, layer_norm_grad,
  // recurrence (ops/rnn.h): fused LSTM and GRU cell steps with Keras's default activations,
  // and their fused backward ops
  lstm_cell, lstm_cell_grad, gru_cell, gru_cell_grad,
  // sequence losses (ops/ctc.h): CTC loss and d loss / d log_probs; blank in OpAttrs::count
  ctc_loss,
  kCount
};

inline constexpr int kNumOps = static_cast<int>(Op::kCount);

inline constexpr std::array<std::string_view, kNumOps> kOpNames = {
    "fill", "copy",
    "add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
    "where",
    "neg", "abs", "sign", "sqrt", "rsqrt", "exp", "log", "log1p", "square", "clip", "add_scalar",
    "mul_scalar", "pow_scalar", "add_scaled",
    "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "tanh",
    "softplus", "softsign", "silu",
    "act_grad",
    "sum", "mean", "max", "min", "argmax", "argmin",
    "matmul", "linear",
    "softmax", "log_softmax",
    "one_hot", "gather", "scatter_add", "concat", "pad",
    "conv", "conv_grad_input", "conv_grad_weight", "max_pool", "max_pool_grad", "avg_pool",
    "avg_pool_grad",
    // normalisation
    "batch_norm", "batch_norm_grad", "layer_norm", "layer_norm_grad",
    // recurrence
    "lstm_cell", "lstm_cell_grad", "gru_cell", "gru_cell_grad",
    // sequence losses
    "ctc_loss",
};

// True when every Op has a name (a shorter list leaves empty names at the end).
constexpr bool all_ops_named() {
  for (std::string_view name : kOpNames)
    if (name.empty()) return false;
  return true;
}
static_assert(all_ops_named(), "kOpNames must list every Op in order");

inline std::string_view op_name(Op op) { return kOpNames[static_cast<int>(op)]; }

}  // namespace mz
