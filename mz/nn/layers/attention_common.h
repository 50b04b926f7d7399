// What Attention and MultiHeadAttention share: Keras-style shape text, the 0/1 float and causal
// masks, dropout on the attention weights and the refusal of a lone tensor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mz/core/generator.h"
#include "mz/core/tensor.h"

namespace mz::layers::detail {

// A shape as Keras prints it, unknown dimensions as None: (None, 2, 4).
std::string attention_shape_text(const Shape& s);

// True when both sizes are known (>= 0) and not equal.
bool dims_differ(int64_t a, int64_t b);

// A 0/1 mask of any dtype as 0.0/1.0 in `dtype` (nonzero is true, as Keras's cast to bool).
Tensor float_mask(const Tensor& mask, DType dtype);

// (1, tq, tv): 1 where i >= j (query step i may see value step j), else 0.
Tensor causal_mask(int64_t tq, int64_t tv, DType dtype, Device device);

// Dropout at `rate` on the attention weights in training (the layer's own generator when it has
// one, else the default one); the weights unchanged otherwise.
Tensor attention_dropout(const Tensor& weights, double rate, bool training,
                         std::optional<Generator>& generator);

// Throws ValueError "<who>: takes a list of inputs [query, value] or [query, value, key]:
// expected 2 or 3 <expected>, got <got>."
[[noreturn]] void throw_not_input_list(const std::string& who, const char* expected,
                                       const std::string& got);

}  // namespace mz::layers::detail
