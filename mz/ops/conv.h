// Convolution over channels_last tensors with 1, 2 or 3 spatial axes: conv (cross-correlation,
// as Keras and TF compute it), conv_transpose, and the two gradients as ops of their own.
// Kernels use Keras's layout (*kernel, in_channels / groups, out_channels). Start at conv().
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "mz/backend/kernel.h"
#include "mz/core/tensor.h"

namespace mz {

// Where the kernel goes, per spatial axis. Each field holds one value per spatial axis or one
// value for all of them; empty means the default (strides 1, dilation 1, no padding). Keras's
// padding names are resolved by the caller: "valid" is no padding, "same" is same_padding().
// Example: conv(x, k, {.strides = {2}, .pads_before = {1}, .pads_after = {1}}).
struct ConvGeometry {
  std::vector<int64_t> strides{};
  std::vector<int64_t> dilation{};
  std::vector<int64_t> pads_before{};  // zeros added before the first element
  std::vector<int64_t> pads_after{};   // zeros added after the last one
  int64_t groups = 1;  // in and out channels split into `groups` independent convolutions
};

// TF's "same" padding for one axis, {before, after}: the total is
// max((ceil(in / stride) - 1) * stride + (kernel - 1) * dilation + 1 - in, 0), before = total / 2
// (the odd element goes after). The output then has ceil(in / stride) elements.
std::pair<int64_t, int64_t> same_padding(int64_t in, int64_t kernel, int64_t stride,
                                         int64_t dilation);

// Output size of one axis: floor((in + before + after - (kernel - 1) * dilation - 1) / stride)
// + 1; zero or less when the dilated kernel does not fit the padded input.
int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                         int64_t before, int64_t after);

// act(conv(x, kernel) + bias): x (batch, *spatial, in), kernel (*k, in / groups, out), bias
// (out,) or undefined -> (batch, *out_spatial, out), with
// y[n, o, c] = sum over taps t and group channels i of
//              x[n, o * stride + t * dilation - pads_before, g * in / groups + i] * kernel[t, i, c]
// where g = c / (out / groups) and x is zero outside its bounds. act in {linear, relu, tanh,
// sigmoid} runs fused. float32/float64. Throws ShapeError for ranks other than 3 to 5, a kernel
// rank that differs from x's, channel counts that do not match or divide by groups, or a
// kernel window larger than the padded input; ValueError for non-positive strides, dilation,
// groups or negative padding.
Tensor conv(const Tensor& x, const Tensor& kernel, const ConvGeometry& geometry = {},
            const Tensor& bias = {}, Act act = Act::linear);

// The transposed convolution (Keras's Conv*Transpose, TF's conv*_transpose): the gradient of
// conv with respect to its input, as a function of that conv's output. x (batch, *spatial, in),
// kernel (*k, out / groups, in) -> (batch, *out_spatial, out) where each axis is
// (size - 1) * stride + (k - 1) * dilation + 1 - pads_before - pads_after + output_padding.
// output_padding (one per axis, one for all, or empty: 0) must lie in [0, stride). The geometry
// is the one of the conv that maps the result back to x's shape.
Tensor conv_transpose(const Tensor& x, const Tensor& kernel, const ConvGeometry& geometry = {},
                      const std::vector<int64_t>& output_padding = {});

// Depthwise convolution (Keras's DepthwiseConv*): kernel (*k, in, depth_multiplier); each input
// channel c is convolved with its own depth_multiplier filters into channels
// c * depth_multiplier + m. The same as conv with groups = in (geometry.groups is ignored).
Tensor depthwise_conv(const Tensor& x, const Tensor& kernel, const ConvGeometry& geometry = {});

// The gradient of conv(x, kernel, geometry) with respect to x, given dy (the gradient of its
// output) and x's shape: (batch, *spatial, in). Differentiable (conv and conv_grad_weight).
Tensor conv_grad_input(const Tensor& dy, const Tensor& kernel, const Shape& input_shape,
                       const ConvGeometry& geometry = {});

// The gradient of conv(x, kernel, geometry) with respect to the kernel, given x and dy:
// kernel_shape (*k, in / groups, out). Differentiable (conv and conv_grad_input).
Tensor conv_grad_weight(const Tensor& x, const Tensor& dy, const Shape& kernel_shape,
                        const ConvGeometry& geometry = {});

}  // namespace mz
