// Shape ops as free functions (the Tensor members reshape, transpose, ... are defined in
// shape.cpp too). Views share storage; all are differentiable.
#pragma once

#include "mz/core/tensor.h"

namespace mz {

Tensor reshape(const Tensor& x, const Shape& shape);
Tensor transpose(const Tensor& x, int axis0, int axis1);
Tensor permute(const Tensor& x, const std::vector<int>& axes);
Tensor squeeze(const Tensor& x, int axis);
Tensor unsqueeze(const Tensor& x, int axis);
Tensor expand(const Tensor& x, const Shape& shape);
// A contiguous copy in `dtype` (Keras's cast); differentiable between floating types.
Tensor cast(const Tensor& x, DType dtype);

}  // namespace mz
