// Max and average pooling over channels_last tensors with 1 to 3 spatial axes, Keras/TF style:
// "valid" or "same" padding, average pooling excludes the padding from its count.
// Start with max_pool / avg_pool; pool_output_shape gives their shape rule.
#pragma once

#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz {

// The output shape of pooling x_shape (batch, s1, ..., sk, channels), k = 1..3, with windows
// `pool_size` and steps `strides` (one per spatial axis, or one value for all; strides empty:
// pool_size) and padding "valid" (out = floor((s - pool) / stride) + 1) or "same"
// (out = ceil(s / stride)). Unknown sizes (-1) stay -1. Throws ValueError for a bad padding,
// a non-positive size or stride, ShapeError for a wrong rank or a window larger than a
// valid-padded input. `who` names the caller in messages.
Shape pool_output_shape(const Shape& x_shape, const std::vector<int64_t>& pool_size,
                        const std::vector<int64_t>& strides, const std::string& padding,
                        const std::string& who = "max_pool");

// Largest element of each window, (batch, s1.., sk, channels) -> pool_output_shape. "same"
// pads with -inf (TF: padding before = total / 2, the rest after). NaN propagates. The
// gradient goes to the first largest element of each window in row-major window order (as
// TF's and PyTorch's CPU kernels route it); float32/float64.
// Example: max_pool(x, {2, 2}) halves height and width of (batch, h, w, c).
Tensor max_pool(const Tensor& x, const std::vector<int64_t>& pool_size,
                const std::vector<int64_t>& strides = {}, const std::string& padding = "valid");

// Mean of each window over the elements inside the input only (TF/Keras: padding is not
// counted, unlike PyTorch's default count_include_pad). Same shapes and rules as max_pool.
Tensor avg_pool(const Tensor& x, const std::vector<int64_t>& pool_size,
                const std::vector<int64_t>& strides = {}, const std::string& padding = "valid");

}  // namespace mz
