// Indexing and joining: one_hot, gather/take, concat, stack, split, pad.
#pragma once

#include <vector>

#include "mz/core/tensor.h"

namespace mz {

// indices (any integer dtype) -> (..., depth) of 0/1 in `dtype`; out-of-range indices throw
// ValueError naming the first bad index and its position.
Tensor one_hot(const Tensor& indices, int64_t depth, DType dtype = DType::f32);
// NumPy take_along_axis: out[i][j][k] = x[i][index[i][j][k]][k] for axis 1; index is int32/64
// with x's rank; out has index's shape. Out-of-range indices throw ValueError.
Tensor take_along_axis(const Tensor& x, const Tensor& index, int axis);
// NumPy take: rows of x along axis picked by a 1-D integer index (Embedding's lookup).
Tensor take(const Tensor& x, const Tensor& index, int axis = 0);
// Joins along an existing axis; all other dimensions must match.
Tensor concat(const std::vector<Tensor>& xs, int axis = 0);
// Joins along a new axis.
Tensor stack(const std::vector<Tensor>& xs, int axis = 0);
// Splits into `sections` equal parts (ShapeError when the axis does not divide).
std::vector<Tensor> split(const Tensor& x, int sections, int axis = 0);
// Splits at the given sizes along axis (they must add up to the axis's size).
std::vector<Tensor> split_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int axis = 0);
// Constant padding: pads[i] = {before, after} for axis i (one pair per axis).
Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& pads,
           double value = 0.0);

}  // namespace mz
