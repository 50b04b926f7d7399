// The helpers Attention and MultiHeadAttention share: shape text, masks, dropout on the weights
// and the lone-tensor refusal.
#include "mz/nn/layers/attention_common.h"

#include <vector>

#include "mz/core/error.h"
#include "mz/ops/ops.h"

namespace mz::layers::detail {

std::string attention_shape_text(const Shape& s) {
  std::string out = "(";
  for (int i = 0; i < s.rank(); ++i)
    out += str(i ? ", " : "", s[i] < 0 ? std::string("None") : std::to_string(s[i]));
  return out + (s.rank() == 1 ? ",)" : ")");
}

bool dims_differ(int64_t a, int64_t b) { return a >= 0 && b >= 0 && a != b; }

Tensor float_mask(const Tensor& mask, DType dtype) {
  return cast(ne(cast(mask, dtype), scalar(0.0, {.dtype = dtype, .device = mask.device()})), dtype);
}

Tensor causal_mask(int64_t tq, int64_t tv, DType dtype, Device device) {
  std::vector<double> v(static_cast<std::size_t>(tq * tv));
  for (int64_t i = 0; i < tq; ++i)
    for (int64_t j = 0; j < tv; ++j) v[static_cast<std::size_t>(i * tv + j)] = i >= j ? 1.0 : 0.0;
  return tensor(v, {1, tq, tv}, {.dtype = dtype, .device = device});
}

Tensor attention_dropout(const Tensor& weights, double rate, bool training,
                         std::optional<Generator>& generator) {
  if (!training || rate <= 0.0) return weights;
  Generator& gen = generator ? *generator : default_generator();
  return mz::dropout(weights, rate, true, gen);
}

void throw_not_input_list(const std::string& who, const char* expected, const std::string& got) {
  throw ValueError(str(who,
                       ": takes a list of inputs [query, value] or [query, value, key]: "
                       "expected 2 or 3 ",
                       expected, ", got ", got, "."));
}

}  // namespace mz::layers::detail
