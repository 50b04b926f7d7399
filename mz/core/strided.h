// Row-major walks over strided tensors: the one loop every generic kernel and converter uses.
#pragma once

#include <array>
#include <cstdint>

#include "mz/core/shape.h"

namespace mz {

// Calls fn(offsets) for every index of `shape` in row-major order, where offsets[k] is the
// element offset of operand k (base[k] + sum_i index_i * strides[k][i]).
// The innermost axis runs as a plain loop; outer axes advance by a carry counter.
template <int N, class Fn>
void for_each_strided(const Shape& shape, const std::array<Shape, N>& strides,
                      std::array<int64_t, N> base, Fn&& fn) {
  const int rank = shape.rank();
  if (shape.numel() == 0) return;
  if (rank == 0) {
    fn(base);
    return;
  }
  int64_t index[kMaxRank] = {};
  const int inner = rank - 1;
  const int64_t n_inner = shape[inner];
  for (;;) {
    std::array<int64_t, N> off = base;
    for (int64_t i = 0; i < n_inner; ++i) {
      fn(off);
      for (int k = 0; k < N; ++k) off[k] += strides[k][inner];
    }
    int axis = inner - 1;
    for (; axis >= 0; --axis) {
      for (int k = 0; k < N; ++k) base[k] += strides[k][axis];
      if (++index[axis] < shape[axis]) break;
      for (int k = 0; k < N; ++k) base[k] -= strides[k][axis] * shape[axis];
      index[axis] = 0;
    }
    if (axis < 0) return;
  }
}

}  // namespace mz
