// Convolution ops: the geometry checks, the kernel calls, and the gradients. conv,
// conv_grad_input and conv_grad_weight are three views of one bilinear map, so each one's
// gradient is written with the other two (and all can be differentiated again).
#include "mz/ops/conv.h"

#include <algorithm>

#include "mz/autograd/node.h"
#include "mz/ops/activation.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/reduce.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;
using autograd::needs;

// One value per spatial axis from `values` (empty: `fallback` everywhere; one value: all axes).
Shape per_axis(const std::vector<int64_t>& values, int spatial, int64_t fallback, int64_t least,
               const char* what, const char* who) {
  if (values.size() > 1 && static_cast<int>(values.size()) != spatial)
    throw ValueError(str(who, ": ", what, " needs one value per spatial axis: expected 1 or ",
                         spatial, " values, got ", Shape(values), "."));
  Shape s;
  for (int i = 0; i < spatial; ++i) {
    const int64_t v = values.empty() ? fallback : values.size() == 1 ? values[0] : values[i];
    if (v < least)
      throw ValueError(str(who, ": ", what, " must be ", least == 0 ? "non-negative" : "positive",
                           ": expected values >= ", least, ", got ", Shape(values), "."));
    s.push_back(v);
  }
  return s;
}

// The checked geometry of a convolution: the kernel attributes (strides, dilation, padding
// before, groups) and padding after, per spatial axis.
struct Geometry {
  OpAttrs attrs;
  Shape pads_after;
};

// x (batch, *spatial, in), kernel (*k, in / groups, out): checks ranks, channels and the
// geometry fields; `who` names the caller.
Geometry check_geometry(const Shape& x, const Shape& kernel, const ConvGeometry& g,
                        const char* who) {
  if (x.rank() < 3 || x.rank() > 5)
    throw ShapeError(str(who,
                         ": x must be (batch, spatial..., channels) with 1 to 3 spatial axes: "
                         "expected rank 3, 4 or 5, got ",
                         x, "."));
  const int spatial = x.rank() - 2;
  if (kernel.rank() != x.rank())
    throw ShapeError(str(who,
                         ": the kernel must be (*kernel_size, in_channels / groups, "
                         "out_channels) with x's rank: expected rank ",
                         x.rank(), " for x ", x, ", got kernel ", kernel, "."));
  if (g.groups < 1)
    throw ValueError(
        str(who, ": groups must be positive: expected groups >= 1, got ", g.groups, "."));
  const int64_t in = x.back(), out = kernel.back(), k_in = kernel[kernel.rank() - 2];
  if (in % g.groups != 0 || k_in * g.groups != in)
    throw ShapeError(str(who, ": the kernel does not match x's channels: expected kernel (..., ",
                         in % g.groups == 0 ? in / g.groups : in, ", out) for x ", x, " in ",
                         g.groups, g.groups == 1 ? " group" : " groups", ", got kernel ", kernel,
                         "."));
  if (out % g.groups != 0)
    throw ShapeError(str(who, ": groups must divide the output channels: expected a multiple of ",
                         g.groups, ", got kernel ", kernel, " with ", out, "."));
  Geometry geo;
  geo.attrs.strides = per_axis(g.strides, spatial, 1, 1, "strides", who);
  geo.attrs.dilation = per_axis(g.dilation, spatial, 1, 1, "dilation", who);
  geo.attrs.pads = per_axis(g.pads_before, spatial, 0, 0, "pads_before", who);
  geo.pads_after = per_axis(g.pads_after, spatial, 0, 0, "pads_after", who);
  geo.attrs.groups = g.groups;
  for (int i = 0; i < kernel.rank(); ++i)
    if (kernel[i] < 1)
      throw ShapeError(
          str(who, ": the kernel has an empty axis: expected sizes >= 1, got ", kernel, "."));
  return geo;
}

// The output shape of conv for x and kernel; throws ShapeError when the window does not fit.
Shape conv_shape(const Shape& x, const Shape& kernel, const Geometry& geo, const char* who) {
  const int spatial = x.rank() - 2;
  Shape out;
  out.push_back(x[0]);
  for (int i = 0; i < spatial; ++i) {
    const int64_t k = kernel[i], d = geo.attrs.dilation[i];
    const int64_t padded = x[i + 1] + geo.attrs.pads[i] + geo.pads_after[i];
    const int64_t n = conv_output_size(x[i + 1], k, geo.attrs.strides[i], d, geo.attrs.pads[i],
                                       geo.pads_after[i]);
    if (n < 1)
      throw ShapeError(str(who,
                           ": the kernel window is larger than the padded input on spatial "
                           "axis ",
                           i, ": expected (kernel - 1) * dilation + 1 <= padded size, got ",
                           (k - 1) * d + 1, " > ", padded, " (x ", x, ", kernel ", kernel, ")."));
    out.push_back(n);
  }
  out.push_back(kernel.back());
  return out;
}

// t as the kernels take it: contiguous (a copy cut from the graph when it is not; the ops
// record their own backward on the original).
Tensor dense(const Tensor& t) { return t.is_contiguous() ? t : t.detach().contiguous(); }

OpAttrs linear_attrs(OpAttrs a) {
  a.act = Act::linear;
  return a;
}

Tensor conv_impl(const Tensor& x, const Tensor& w, const Tensor& b, const OpAttrs& a,
                 const Shape& y_shape);
Tensor grad_input_impl(const Tensor& dy, const Tensor& w, const Shape& x_shape, const OpAttrs& a);
Tensor grad_weight_impl(const Tensor& x, const Tensor& dy, const Shape& w_shape, const OpAttrs& a);

// y = act(conv(x, w) + b) of shape y_shape (the output size is given, so that it can be the
// backward of a transposed convolution whose input had any size).
Tensor conv_impl(const Tensor& x, const Tensor& w, const Tensor& b, const OpAttrs& a,
                 const Shape& y_shape) {
  Tensor y = Tensor::empty(y_shape, {.dtype = x.dtype(), .device = x.device()});
  if (b.defined()) {
    detail::dispatch(Op::conv, {dense(x), dense(w), dense(b)}, {y}, a);
  } else {
    detail::dispatch(Op::conv, {dense(x), dense(w)}, {y}, a);
  }
  if (autograd::should_record({x, w, b})) {
    Tensor xd = x.detach(), wd = w.detach(), yd = y.detach();
    const bool has_bias = b.defined();
    autograd::record("conv", y, {x, w, b},
                     [xd, wd, yd, a, has_bias](const Tensor& g, GradMask need) {
                       const Tensor dz = a.act == Act::linear ? g : act_grad(g, yd, a.act);
                       const OpAttrs la = linear_attrs(a);
                       Grads out(3);
                       if (needs(need, 0)) out[0] = grad_input_impl(dz, wd, xd.shape(), la);
                       if (needs(need, 1)) out[1] = grad_weight_impl(xd, dz, wd.shape(), la);
                       if (has_bias && needs(need, 2)) {
                         std::vector<int> axes;
                         for (int i = 0; i + 1 < dz.rank(); ++i) axes.push_back(i);
                         out[2] = sum(dz, axes);
                       }
                       return out;
                     });
  }
  return y;
}

// dx (x_shape) from dy and w: the adjoint of conv_impl in x.
Tensor grad_input_impl(const Tensor& dy, const Tensor& w, const Shape& x_shape, const OpAttrs& a) {
  Tensor dx = Tensor::empty(x_shape, {.dtype = dy.dtype(), .device = dy.device()});
  detail::dispatch(Op::conv_grad_input, {dense(dy), dense(w)}, {dx}, a);
  if (autograd::should_record({dy, w})) {
    Tensor dyd = dy.detach(), wd = w.detach();
    autograd::record("conv_grad_input", dx, {dy, w}, [dyd, wd, a](const Tensor& g, GradMask need) {
      // <conv_grad_input(dy, w), g> = <dy, conv(g, w)>.
      Grads out(2);
      if (needs(need, 0)) out[0] = conv_impl(g, wd, Tensor(), a, dyd.shape());
      if (needs(need, 1)) out[1] = grad_weight_impl(g, dyd, wd.shape(), a);
      return out;
    });
  }
  return dx;
}

// dw (w_shape) from x and dy: the adjoint of conv_impl in w.
Tensor grad_weight_impl(const Tensor& x, const Tensor& dy, const Shape& w_shape, const OpAttrs& a) {
  Tensor dw = Tensor::empty(w_shape, {.dtype = x.dtype(), .device = x.device()});
  detail::dispatch(Op::conv_grad_weight, {dense(x), dense(dy)}, {dw}, a);
  if (autograd::should_record({x, dy})) {
    Tensor xd = x.detach(), dyd = dy.detach();
    autograd::record("conv_grad_weight", dw, {x, dy}, [xd, dyd, a](const Tensor& g, GradMask need) {
      // <conv_grad_weight(x, dy), g> = <conv(x, g), dy>.
      Grads out(2);
      if (needs(need, 0)) out[0] = grad_input_impl(dyd, g, xd.shape(), a);
      if (needs(need, 1)) out[1] = conv_impl(xd, g, Tensor(), a, dyd.shape());
      return out;
    });
  }
  return dw;
}

void check_operands(const Tensor& a, const Tensor& b, const char* who) {
  detail::common_device({a, b}, who);
  detail::expect_floating(a, who);
  detail::expect_same_dtype(a, b, who);
}

}  // namespace

std::pair<int64_t, int64_t> same_padding(int64_t in, int64_t kernel, int64_t stride,
                                         int64_t dilation) {
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0);
  return {total / 2, total - total / 2};
}

int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                         int64_t before, int64_t after) {
  const int64_t span = in + before + after - (kernel - 1) * dilation - 1;
  if (span < 0) return 0;
  return span / stride + 1;
}

Tensor conv(const Tensor& x, const Tensor& kernel, const ConvGeometry& geometry, const Tensor& bias,
            Act act) {
  check_operands(x, kernel, "conv");
  if (bias.defined()) {
    detail::common_device({x, bias}, "conv");
    detail::expect_same_dtype(x, bias, "conv");
  }
  Geometry geo = check_geometry(x.shape(), kernel.shape(), geometry, "conv");
  const Shape y_shape = conv_shape(x.shape(), kernel.shape(), geo, "conv");
  if (bias.defined() && !(bias.rank() == 1 && bias.shape()[0] == kernel.shape().back()))
    throw ShapeError(str("conv: the bias must have one value per output channel: expected (",
                         kernel.shape().back(), ",), got ", bias.shape(), "."));
  geo.attrs.act = act;
  return conv_impl(x, kernel, bias, geo.attrs, y_shape);
}

Tensor conv_transpose(const Tensor& x, const Tensor& kernel, const ConvGeometry& geometry,
                      const std::vector<int64_t>& output_padding) {
  check_operands(x, kernel, "conv_transpose");
  if (x.rank() < 3 || x.rank() > 5 || kernel.rank() != x.rank() ||
      kernel.shape().back() != x.shape().back())
    throw ShapeError(
        str("conv_transpose: expected x (batch, spatial..., in) with 1 to 3 spatial "
            "axes and a kernel (*kernel_size, out / groups, in) of its rank, got x ",
            x.shape(), ", kernel ", kernel.shape(), "."));
  const int spatial = x.rank() - 2;
  // The result's shape, then the geometry checked as the conv that maps it back to x.
  Shape out_shape;
  out_shape.push_back(x.shape()[0]);
  {
    const Shape s = per_axis(geometry.strides, spatial, 1, 1, "strides", "conv_transpose");
    const Shape d = per_axis(geometry.dilation, spatial, 1, 1, "dilation", "conv_transpose");
    const Shape pb = per_axis(geometry.pads_before, spatial, 0, 0, "pads_before", "conv_transpose");
    const Shape pa = per_axis(geometry.pads_after, spatial, 0, 0, "pads_after", "conv_transpose");
    const Shape op = per_axis(output_padding, spatial, 0, 0, "output_padding", "conv_transpose");
    for (int i = 0; i < spatial; ++i) {
      if (op[i] >= s[i])
        throw ValueError(
            str("conv_transpose: output_padding must be smaller than strides: "
                "expected values < ",
                s, ", got ", op, "."));
      const int64_t n = (x.shape()[i + 1] - 1) * s[i] + (kernel.shape()[i] - 1) * d[i] + 1 - pb[i] -
                        pa[i] + op[i];
      if (n < 1)
        throw ShapeError(
            str("conv_transpose: the padding removes the whole output on spatial "
                "axis ",
                i, ": expected pads_before + pads_after < ", n + pb[i] + pa[i], ", got ",
                pb[i] + pa[i], " (x ", x.shape(), ", kernel ", kernel.shape(), ")."));
      out_shape.push_back(n);
    }
  }
  if (geometry.groups < 1)
    throw ValueError(str("conv_transpose: groups must be positive: expected groups >= 1, got ",
                         geometry.groups, "."));
  out_shape.push_back(kernel.shape()[kernel.rank() - 2] * geometry.groups);
  const Geometry geo = check_geometry(out_shape, kernel.shape(), geometry, "conv_transpose");
  return grad_input_impl(x, kernel, out_shape, geo.attrs);
}

Tensor depthwise_conv(const Tensor& x, const Tensor& kernel, const ConvGeometry& geometry) {
  check_operands(x, kernel, "depthwise_conv");
  if (x.rank() < 3 || x.rank() > 5 || kernel.rank() != x.rank() ||
      kernel.shape()[kernel.rank() - 2] != x.shape().back())
    throw ShapeError(
        str("depthwise_conv: expected x (batch, spatial..., in) with 1 to 3 spatial "
            "axes and a kernel (*kernel_size, in, depth_multiplier) of its rank, "
            "got x ",
            x.shape(), ", kernel ", kernel.shape(), "."));
  Shape k = kernel.shape();
  const int64_t in = k[k.rank() - 2];
  k[k.rank() - 2] = 1;
  k[k.rank() - 1] *= in;
  ConvGeometry g = geometry;
  g.groups = in;
  return conv(x, kernel.reshape(k), g);
}

Tensor conv_grad_input(const Tensor& dy, const Tensor& kernel, const Shape& input_shape,
                       const ConvGeometry& geometry) {
  check_operands(dy, kernel, "conv_grad_input");
  const Geometry geo = check_geometry(input_shape, kernel.shape(), geometry, "conv_grad_input");
  const Shape y_shape = conv_shape(input_shape, kernel.shape(), geo, "conv_grad_input");
  if (!(dy.shape() == y_shape))
    throw ShapeError(str("conv_grad_input: dy must have the conv's output shape: expected ",
                         y_shape, ", got ", dy.shape(), "."));
  return grad_input_impl(dy, kernel, input_shape, geo.attrs);
}

Tensor conv_grad_weight(const Tensor& x, const Tensor& dy, const Shape& kernel_shape,
                        const ConvGeometry& geometry) {
  check_operands(x, dy, "conv_grad_weight");
  const Geometry geo = check_geometry(x.shape(), kernel_shape, geometry, "conv_grad_weight");
  const Shape y_shape = conv_shape(x.shape(), kernel_shape, geo, "conv_grad_weight");
  if (!(dy.shape() == y_shape))
    throw ShapeError(str("conv_grad_weight: dy must have the conv's output shape: expected ",
                         y_shape, ", got ", dy.shape(), "."));
  return grad_weight_impl(x, dy, kernel_shape, geo.attrs);
}

}  // namespace mz
