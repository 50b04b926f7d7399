// Reductions: the keepdims-shaped kernel call, and gradients that broadcast back.
#include "mz/ops/reduce.h"

#include <cmath>

#include "mz/autograd/node.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/shape.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;

// x's shape with the reduced axes set to 1; `axes` empty means all.
Shape keep_shape(const Tensor& x, const std::vector<int>& axes, const char* who) {
  Shape s = x.shape();
  if (axes.empty()) return Shape::filled(x.rank(), 1);
  for (int a : axes) s[normalize_axis(a, x.rank(), who)] = 1;
  return s;
}

// The result shape without the reduced axes.
Shape drop_shape(const Tensor& x, const std::vector<int>& axes, const char* who) {
  if (axes.empty()) return Shape{};
  std::vector<bool> drop(x.rank(), false);
  for (int a : axes) drop[normalize_axis(a, x.rank(), who)] = true;
  Shape s;
  for (int i = 0; i < x.rank(); ++i)
    if (!drop[i]) s.push_back(x.shape()[i]);
  return s;
}

Tensor reduce(Op op, const Tensor& x, const std::vector<int>& axes, bool keepdims,
              DType out_dtype) {
  const char* who = op_name(op).data();
  Shape kept = keep_shape(x, axes, who);
  Tensor out;
  if (kept == x.shape() && out_dtype == x.dtype()) {
    out = x.detach().clone();  // only size-1 axes are reduced: every op is the identity
  } else {
    out = Tensor::empty(kept, {.dtype = out_dtype, .device = x.device()});
    detail::dispatch(op, {x.detach()}, {out});
  }
  return keepdims ? out : out.reshape(drop_shape(x, axes, who));
}

// Reshapes a reduced gradient to keepdims form so it broadcasts against x.
Tensor kept_grad(const Tensor& g, const Shape& kept) { return g.reshape(kept); }

Tensor extremum(Op op, const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  if (x.numel() == 0)
    throw ValueError(str(op_name(op), ": cannot reduce an empty tensor of shape ", x.shape(),
                         "."));
  Tensor y = reduce(op, x, axes, keepdims, x.dtype());
  if (autograd::should_record({x})) {
    Tensor xd = x.detach();
    Shape kept = keep_shape(x, axes, op_name(op).data());
    Tensor yk = y.detach().reshape(kept);
    autograd::record(op_name(op).data(), y, {x}, [xd, yk, kept](const Tensor& g, GradMask) {
      // Tied extremes share the gradient equally (as torch.amax and tf.reduce_max).
      Tensor hit = cast(eq(xd, yk), xd.dtype());
      std::vector<int> reduced;
      for (int i = 0; i < xd.rank(); ++i)
        if (kept[i] == 1) reduced.push_back(i);
      Tensor count = reduced.empty() ? ones_like(yk) : sum(hit, reduced, true);
      return Grads{mul(hit, div(kept_grad(g, kept), count))};
    });
  }
  return y;
}

Tensor arg_extremum(Op op, const Tensor& x, int axis_in, bool keepdims) {
  int axis = normalize_axis(axis_in, x.rank(), op_name(op).data());
  if (x.shape()[axis] == 0)
    throw ValueError(str(op_name(op), ": axis ", axis_in, " of shape ", x.shape(), " is empty."));
  Shape kept = x.shape();
  kept[axis] = 1;
  Tensor out = Tensor::empty(kept, {.dtype = DType::i64, .device = x.device()});
  OpAttrs attrs;
  attrs.axis = axis;
  detail::dispatch(op, {x.detach()}, {out}, attrs);
  return keepdims ? out : out.squeeze(axis);
}

}  // namespace

Tensor sum(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  Tensor y = reduce(Op::sum, x, axes, keepdims, x.dtype());
  if (autograd::should_record({x})) {
    Shape from = x.shape(), kept = keep_shape(x, axes, "sum");
    autograd::record("sum", y, {x}, [from, kept](const Tensor& g, GradMask) {
      return Grads{kept_grad(g, kept).expand(from).contiguous()};
    });
  }
  return y;
}

Tensor mean(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  detail::expect_floating(x, "mean");
  Tensor y = reduce(Op::mean, x, axes, keepdims, x.dtype());
  if (autograd::should_record({x})) {
    Shape from = x.shape(), kept = keep_shape(x, axes, "mean");
    double count = static_cast<double>(from.numel()) / std::max<int64_t>(kept.numel(), 1);
    autograd::record("mean", y, {x}, [from, kept, count](const Tensor& g, GradMask) {
      return Grads{(kept_grad(g, kept) * (1.0 / count)).expand(from).contiguous()};
    });
  }
  return y;
}

Tensor max(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  return extremum(Op::max, x, axes, keepdims);
}
Tensor min(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  return extremum(Op::min, x, axes, keepdims);
}
Tensor argmax(const Tensor& x, int axis, bool keepdims) {
  return arg_extremum(Op::argmax, x, axis, keepdims);
}
Tensor argmin(const Tensor& x, int axis, bool keepdims) {
  return arg_extremum(Op::argmin, x, axis, keepdims);
}

Tensor var(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  Tensor centred = x - mean(x, axes, true);
  return mean(square(centred), axes, keepdims);
}

Tensor std(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  return sqrt(var(x, axes, keepdims));
}

Tensor logsumexp(const Tensor& x, const std::vector<int>& axes, bool keepdims) {
  Tensor m;
  {
    NoGrad no_grad;
    m = max(x, axes, true);
    // An all -inf group would give nan: shift by 0 there instead.
    m = where(eq(abs(m), scalar(INFINITY, {.dtype = m.dtype(), .device = m.device()})),
              zeros_like(m), m);
  }
  Tensor s = log(sum(exp(x - m), axes, true)) + m;
  return keepdims ? s : s.reshape(drop_shape(x, axes, "logsumexp"));
}

}  // namespace mz
