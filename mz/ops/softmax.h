// Normalised exponentials along an axis, numerically stable (the maximum is subtracted).
#pragma once

#include "mz/core/tensor.h"

namespace mz {

Tensor softmax(const Tensor& x, int axis = -1);
Tensor log_softmax(const Tensor& x, int axis = -1);

}  // namespace mz
