// Reductions over axes, NumPy/Keras style. `axes` empty means all axes; negative axes count
// from the end; keepdims keeps reduced axes as size 1.
#pragma once

#include <vector>

#include "mz/core/tensor.h"

namespace mz {

Tensor sum(const Tensor& x, const std::vector<int>& axes = {}, bool keepdims = false);
Tensor mean(const Tensor& x, const std::vector<int>& axes = {}, bool keepdims = false);
// Largest element; tied maxima share the gradient equally (as torch.amax). NaN propagates.
Tensor max(const Tensor& x, const std::vector<int>& axes = {}, bool keepdims = false);
Tensor min(const Tensor& x, const std::vector<int>& axes = {}, bool keepdims = false);
// Index (int64) of the first largest/smallest element along axis.
Tensor argmax(const Tensor& x, int axis = -1, bool keepdims = false);
Tensor argmin(const Tensor& x, int axis = -1, bool keepdims = false);
// Population variance and standard deviation (ddof 0, as Keras/NumPy).
Tensor var(const Tensor& x, const std::vector<int>& axes = {}, bool keepdims = false);
Tensor std(const Tensor& x, const std::vector<int>& axes = {}, bool keepdims = false);
// log(sum(exp(x))), stable.
Tensor logsumexp(const Tensor& x, const std::vector<int>& axes = {}, bool keepdims = false);

}  // namespace mz
