// Tensors made from nothing or from host data: empty, zeros, ones, full, arange, tensor.
#pragma once

#include <initializer_list>
#include <vector>

#include "mz/core/tensor.h"

namespace mz {

Tensor empty(const Shape& shape, TensorOptions options = {});
Tensor zeros(const Shape& shape, TensorOptions options = {});
Tensor ones(const Shape& shape, TensorOptions options = {});
Tensor full(const Shape& shape, double value, TensorOptions options = {});
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor full_like(const Tensor& t, double value);
// 0, 1, ..., n-1.
Tensor arange(int64_t n, TensorOptions options = {});
// A tensor holding `values` (row-major) in `shape`; options.dtype defaults to T's dtype
// unless given. Throws ShapeError when the counts differ.
template <class T>
Tensor tensor(const std::vector<T>& values, const Shape& shape, TensorOptions options);
template <class T>
Tensor tensor(const std::vector<T>& values, const Shape& shape) {
  return tensor(values, shape, TensorOptions{.dtype = dtype_of<T>});
}
// A 1-D tensor: mz::tensor({1.0f, 2.0f, 3.0f}).
template <class T>
Tensor tensor(std::initializer_list<T> values) {
  return tensor(std::vector<T>(values), Shape{static_cast<int64_t>(values.size())});
}
// A 0-d tensor.
Tensor scalar(double value, TensorOptions options = {});

}  // namespace mz
