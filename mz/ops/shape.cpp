// Views (reshape, transpose, permute, slice, squeeze, unsqueeze, expand), copies and casts,
// with their gradients.
#include "mz/ops/shape.h"

#include <algorithm>

#include "mz/autograd/node.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;

Tensor make_view(const Tensor& x, const Shape& shape, const Shape& strides, int64_t offset) {
  return Tensor::view_of(x.storage(), shape, strides, offset, x.dtype(), x.device());
}

// Resolves one -1 and checks the element count.
Shape infer_shape(const Shape& x, const Shape& requested_in) {
  Shape requested;
  int infer = -1;
  int64_t known = 1;
  for (int i = 0; i < requested_in.rank(); ++i) {
    int64_t d = requested_in[i];
    requested.push_back(d < 0 ? 1 : d);
    if (d == -1 && infer < 0) {
      infer = i;
    } else if (d < 0) {
      throw ShapeError(str("reshape: only one dimension may be -1, got ", requested_in, "."));
    } else {
      known *= d;
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.numel() % known != 0)
      throw ShapeError(str("reshape: cannot reshape ", x, " (", x.numel(), " elements) into ",
                           requested_in, "."));
    requested[infer] = x.numel() / known;
  }
  if (requested.numel() != x.numel())
    throw ShapeError(str("reshape: cannot reshape ", x, " (", x.numel(), " elements) into ",
                         requested_in, " (", requested.numel(), " elements)."));
  return requested;
}

}  // namespace

Tensor Tensor::reshape(const Shape& shape_in) const {
  Shape target = infer_shape(shape(), shape_in);
  Tensor src = is_contiguous() ? *this : contiguous();
  Tensor y = make_view(src, target, contiguous_strides(target), src.offset());
  if (autograd::should_record({*this})) {
    Shape from = shape();
    autograd::record("reshape", y, {*this},
                     [from](const Tensor& g, GradMask) { return Grads{g.reshape(from)}; });
  }
  return y;
}

Tensor Tensor::flatten() const { return reshape(Shape{numel()}); }

Tensor Tensor::permute(const std::vector<int>& axes) const {
  if (static_cast<int>(axes.size()) != rank())
    throw ShapeError(str("permute: expected ", rank(), " axes for shape ", shape(), ", got ",
                         axes.size(), "."));
  Shape s, st;
  std::vector<int> inverse(axes.size(), -1);
  for (std::size_t i = 0; i < axes.size(); ++i) {
    int a = normalize_axis(axes[i], rank(), "permute");
    if (inverse[a] >= 0) throw ShapeError(str("permute: axis ", axes[i], " appears twice."));
    inverse[a] = static_cast<int>(i);
    s.push_back(shape()[a]);
    st.push_back(strides()[a]);
  }
  Tensor y = make_view(*this, s, st, offset());
  if (autograd::should_record({*this}))
    autograd::record("permute", y, {*this},
                     [inverse](const Tensor& g, GradMask) { return Grads{g.permute(inverse)}; });
  return y;
}

Tensor Tensor::transpose(int axis0, int axis1) const {
  std::vector<int> axes(rank());
  for (int i = 0; i < rank(); ++i) axes[i] = i;
  std::swap(axes[normalize_axis(axis0, rank(), "transpose")],
            axes[normalize_axis(axis1, rank(), "transpose")]);
  return permute(axes);
}

Tensor Tensor::slice(int axis_in, int64_t start, int64_t stop, int64_t step) const {
  int axis = normalize_axis(axis_in, rank(), "slice");
  if (step <= 0) throw ValueError(str("slice: step must be positive, got ", step, "."));
  int64_t n = shape()[axis];
  auto clamp = [n](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + n : i, 0, n); };
  start = clamp(start);
  stop = std::max(clamp(stop), start);
  Shape s = shape(), st = strides();
  s[axis] = (stop - start + step - 1) / step;
  st[axis] *= step;
  Tensor y = make_view(*this, s, st, offset() + start * strides()[axis]);
  if (autograd::should_record({*this})) {
    Shape from = shape();
    autograd::record("slice", y, {*this}, [=](const Tensor& g, GradMask) {
      Tensor gx = zeros(from, {.dtype = g.dtype(), .device = g.device()});
      gx.slice(axis, start, stop, step).copy_(g);
      return Grads{gx};
    });
  }
  return y;
}

Tensor Tensor::squeeze(int axis_in) const {
  int axis = normalize_axis(axis_in, rank(), "squeeze");
  if (shape()[axis] != 1)
    throw ShapeError(str("squeeze: axis ", axis_in, " of shape ", shape(),
                         " has size ", shape()[axis], ", expected 1."));
  Shape s = shape();
  s.erase(axis);
  return reshape(s);
}

Tensor Tensor::unsqueeze(int axis_in) const {
  int axis = normalize_axis(axis_in, rank() + 1, "unsqueeze");
  Shape s = shape();
  s.insert(axis, 1);
  return reshape(s);
}

Tensor Tensor::expand(const Shape& target) const {
  if (target.rank() < rank())
    throw ShapeError(str("expand: cannot expand ", shape(), " to fewer dimensions ", target, "."));
  Shape st = Shape::filled(target.rank(), 0);
  int lead = target.rank() - rank();
  for (int i = 0; i < rank(); ++i) {
    if (shape()[i] == target[lead + i]) {
      st[lead + i] = strides()[i];
    } else if (shape()[i] != 1) {
      throw ShapeError(str("expand: cannot expand ", shape(), " to ", target, ": axis ", i,
                           " has size ", shape()[i], "."));
    }
  }
  if (target == shape()) return *this;
  Tensor y = make_view(*this, target, st, offset());
  if (autograd::should_record({*this})) {
    Shape from = shape();
    autograd::record("expand", y, {*this},
                     [from](const Tensor& g, GradMask) { return Grads{sum_to(g, from)}; });
  }
  return y;
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

Tensor Tensor::clone() const {
  Tensor y = Tensor::empty(shape(), {.dtype = dtype(), .device = device()});
  detail::dispatch(Op::copy, {*this}, {y});
  if (autograd::should_record({*this}))
    autograd::record("clone", y, {*this}, [](const Tensor& g, GradMask) { return Grads{g}; });
  return y;
}

Tensor Tensor::to(Device target) const {
  if (target == device()) return *this;
  Tensor y = detail::transfer(*this, target);  // core/tensor.h: shares or copies the buffer
  if (autograd::should_record({*this})) {
    Device from = device();
    autograd::record("to", y, {*this}, [from](const Tensor& g, GradMask) { return Grads{g.to(from)}; });
  }
  return y;
}

Tensor Tensor::to(DType target) const { return cast(*this, target); }

Tensor cast(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  Tensor y = Tensor::empty(x.shape(), {.dtype = dtype, .device = x.device()});
  detail::dispatch(Op::copy, {x}, {y});
  if (is_floating(dtype) && autograd::should_record({x})) {
    DType from = x.dtype();
    autograd::record("cast", y, {x}, [from](const Tensor& g, GradMask) { return Grads{cast(g, from)}; });
  }
  return y;
}

Tensor& Tensor::copy_(const Tensor& src) {
  detail::common_device({*this, src}, "Tensor::copy_");
  Tensor s = src.shape() == shape() ? src : src.detach().expand(shape());
  detail::dispatch(Op::copy, {s}, {*this});
  return *this;
}

Tensor reshape(const Tensor& x, const Shape& shape) { return x.reshape(shape); }
Tensor transpose(const Tensor& x, int a, int b) { return x.transpose(a, b); }
Tensor permute(const Tensor& x, const std::vector<int>& axes) { return x.permute(axes); }
Tensor squeeze(const Tensor& x, int axis) { return x.squeeze(axis); }
Tensor unsqueeze(const Tensor& x, int axis) { return x.unsqueeze(axis); }
Tensor expand(const Tensor& x, const Shape& shape) { return x.expand(shape); }

}  // namespace mz
