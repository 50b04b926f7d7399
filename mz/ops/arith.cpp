// Element-wise arithmetic: broadcasting, dispatch, and each op's backward written in ops.
#include "mz/ops/arith.h"

#include "mz/autograd/node.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/shape.h"
#include "mz/ops/reduce.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;
using autograd::needs;

// Broadcasts a and b (as views, unrecorded) and runs a binary kernel; out is contiguous.
Tensor binary_forward(Op op, const Tensor& a, const Tensor& b, DType out_dtype) {
  const char* who = op_name(op).data();
  detail::common_device({a, b}, who);
  detail::expect_same_dtype(a, b, who);
  Shape shape = broadcast_shapes(a.shape(), b.shape(), who);
  Tensor out = Tensor::empty(shape, {.dtype = out_dtype, .device = a.device()});
  detail::dispatch(op, {a.detach().expand(shape), b.detach().expand(shape)}, {out});
  return out;
}

Tensor binary(Op op, const Tensor& a, const Tensor& b) {
  return binary_forward(op, a, b, a.dtype());
}

Tensor compare(Op op, const Tensor& a, const Tensor& b) {
  return binary_forward(op, a, b, DType::u8);
}

Tensor unary(Op op, const Tensor& x, const OpAttrs& attrs = {}) {
  detail::expect_floating(x, op_name(op).data());
  Tensor out = Tensor::empty(x.shape(), {.dtype = x.dtype(), .device = x.device()});
  detail::dispatch(op, {x}, {out}, attrs);
  return out;
}

Tensor scalar_like(const Tensor& t, double v) {
  return scalar(v, {.dtype = t.dtype(), .device = t.device()});
}

Tensor scalar_op(Op op, const Tensor& x, double s) {
  OpAttrs attrs;
  attrs.alpha = s;
  Tensor out = Tensor::empty(x.shape(), {.dtype = x.dtype(), .device = x.device()});
  detail::dispatch(op, {x}, {out}, attrs);
  return out;
}

// x itself when broadcasting left it unchanged, else its sum back to `shape`.
Tensor reduce_to(const Tensor& g, const Tensor& like) { return sum_to(g, like.shape()); }

}  // namespace

Tensor sum_to(const Tensor& g, const Shape& shape) {
  if (g.shape() == shape) return g;
  std::vector<int> axes;
  int lead = g.rank() - shape.rank();
  for (int i = 0; i < g.rank(); ++i)
    if (i < lead || (shape[i - lead] == 1 && g.shape()[i] != 1)) axes.push_back(i);
  Tensor s = sum(g, axes, true);
  return s.reshape(shape);
}

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y = binary(Op::add, a, b);
  if (autograd::should_record({a, b}))
    autograd::record("add", y, {a, b}, [a, b](const Tensor& g, GradMask need) {
      return Grads{needs(need, 0) ? reduce_to(g, a) : Tensor(),
                   needs(need, 1) ? reduce_to(g, b) : Tensor()};
    });
  return y;
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor y = binary(Op::sub, a, b);
  if (autograd::should_record({a, b}))
    autograd::record("sub", y, {a, b}, [a, b](const Tensor& g, GradMask need) {
      return Grads{needs(need, 0) ? reduce_to(g, a) : Tensor(),
                   needs(need, 1) ? reduce_to(neg(g), b) : Tensor()};
    });
  return y;
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor y = binary(Op::mul, a, b);
  if (autograd::should_record({a, b})) {
    Tensor ad = a.detach(), bd = b.detach();
    autograd::record("mul", y, {a, b}, [ad, bd](const Tensor& g, GradMask need) {
      return Grads{needs(need, 0) ? reduce_to(mul(g, bd), ad) : Tensor(),
                   needs(need, 1) ? reduce_to(mul(g, ad), bd) : Tensor()};
    });
  }
  return y;
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor y = binary(Op::div, a, b);
  if (autograd::should_record({a, b})) {
    Tensor bd = b.detach(), yd = y.detach();
    autograd::record("div", y, {a, b}, [a, bd, yd](const Tensor& g, GradMask need) {
      Tensor gb = g / bd;
      return Grads{needs(need, 0) ? reduce_to(gb, a) : Tensor(),
                   needs(need, 1) ? reduce_to(neg(mul(gb, yd)), bd) : Tensor()};
    });
  }
  return y;
}

Tensor pow(const Tensor& a, const Tensor& b) {
  detail::expect_floating(a, "pow");
  Tensor y = binary(Op::pow, a, b);
  if (autograd::should_record({a, b})) {
    Tensor ad = a.detach(), bd = b.detach(), yd = y.detach();
    autograd::record("pow", y, {a, b}, [ad, bd, yd](const Tensor& g, GradMask need) {
      Grads out(2);
      if (needs(need, 0)) out[0] = reduce_to(mul(g, mul(bd, pow(ad, bd - 1.0))), ad);
      if (needs(need, 1)) out[1] = reduce_to(mul(g, mul(yd, log(ad))), bd);
      return out;
    });
  }
  return y;
}

Tensor pow(const Tensor& a, double p) {
  detail::expect_floating(a, "pow");
  Tensor y = scalar_op(Op::pow_scalar, a, p);
  if (autograd::should_record({a})) {
    Tensor ad = a.detach();
    autograd::record("pow", y, {a}, [ad, p](const Tensor& g, GradMask) {
      return Grads{mul(g, pow(ad, p - 1.0) * p)};
    });
  }
  return y;
}

// maximum/minimum: the gradient goes to a where a wins or ties, else to b.
static Tensor extremum(Op op, Op a_wins, const Tensor& a, const Tensor& b) {
  Tensor y = binary(op, a, b);
  if (autograd::should_record({a, b})) {
    Tensor ad = a.detach(), bd = b.detach();
    autograd::record(op_name(op).data(), y, {a, b}, [=](const Tensor& g, GradMask need) {
      Tensor mask = compare(a_wins, ad, bd);
      Tensor zero = scalar_like(g, 0.0);
      return Grads{needs(need, 0) ? reduce_to(where(mask, g, zero), ad) : Tensor(),
                   needs(need, 1) ? reduce_to(where(mask, zero, g), bd) : Tensor()};
    });
  }
  return y;
}

Tensor maximum(const Tensor& a, const Tensor& b) { return extremum(Op::maximum, Op::ge, a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return extremum(Op::minimum, Op::le, a, b); }

Tensor eq(const Tensor& a, const Tensor& b) { return compare(Op::eq, a, b); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(Op::ne, a, b); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(Op::lt, a, b); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(Op::le, a, b); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare(Op::gt, a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(Op::ge, a, b); }

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  detail::common_device({cond, a, b}, "where");
  detail::expect_same_dtype(a, b, "where");
  cond.check_dtype(DType::u8, "where (condition)");
  Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(),
                                 "where");
  Tensor y = Tensor::empty(shape, {.dtype = a.dtype(), .device = a.device()});
  detail::dispatch(Op::where,
                   {a.detach().expand(shape), b.detach().expand(shape),
                    cond.detach().expand(shape)},
                   {y});
  if (autograd::should_record({a, b}))
    autograd::record("where", y, {a, b}, [a, b, cond](const Tensor& g, GradMask need) {
      Tensor zero = scalar_like(g, 0.0);
      return Grads{needs(need, 0) ? reduce_to(where(cond, g, zero), a) : Tensor(),
                   needs(need, 1) ? reduce_to(where(cond, zero, g), b) : Tensor()};
    });
  return y;
}

// Unary ops: `grad(g, x, y)` gives the input gradient from the output gradient.
template <class Grad>
static Tensor unary_op(Op op, const Tensor& x, Grad grad, const OpAttrs& attrs = {}) {
  Tensor y = unary(op, x, attrs);
  if (autograd::should_record({x})) {
    Tensor xd = x.detach(), yd = y.detach();
    autograd::record(op_name(op).data(), y, {x}, [=](const Tensor& g, GradMask) {
      return Grads{grad(g, xd, yd)};
    });
  }
  return y;
}

Tensor neg(const Tensor& x) {
  return unary_op(Op::neg, x, [](const Tensor& g, const Tensor&, const Tensor&) { return neg(g); });
}
Tensor abs(const Tensor& x) {
  return unary_op(Op::abs, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return mul(g, sign(x));
  });
}
Tensor sign(const Tensor& x) {
  return unary_op(Op::sign, x, [](const Tensor& g, const Tensor&, const Tensor&) {
    return zeros_like(g);
  });
}
Tensor sqrt(const Tensor& x) {
  return unary_op(Op::sqrt, x, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return div(g, y * 2.0);
  });
}
Tensor rsqrt(const Tensor& x) {
  return unary_op(Op::rsqrt, x, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return mul(g, pow(y, 3.0) * -0.5);
  });
}
Tensor exp(const Tensor& x) {
  return unary_op(Op::exp, x, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return mul(g, y);
  });
}
Tensor log(const Tensor& x) {
  return unary_op(Op::log, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return div(g, x);
  });
}
Tensor log1p(const Tensor& x) {
  return unary_op(Op::log1p, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return div(g, x + 1.0);
  });
}
Tensor square(const Tensor& x) {
  return unary_op(Op::square, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return mul(g, x * 2.0);
  });
}
Tensor clip(const Tensor& x, double lo, double hi) {
  if (lo > hi) throw ValueError(str("clip: low ", lo, " is above high ", hi, "."));
  OpAttrs attrs;
  attrs.alpha = lo;
  attrs.beta = hi;
  return unary_op(
      Op::clip, x,
      [lo, hi](const Tensor& g, const Tensor& x, const Tensor&) {
        Tensor inside = mul(cast(ge(x, scalar_like(x, lo)), g.dtype()),
                            cast(le(x, scalar_like(x, hi)), g.dtype()));
        return mul(g, inside);
      },
      attrs);
}

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& x) { return neg(x); }

Tensor operator+(const Tensor& a, double b) {
  Tensor y = scalar_op(Op::add_scalar, a, b);
  if (autograd::should_record({a}))
    autograd::record("add_scalar", y, {a}, [](const Tensor& g, GradMask) { return Grads{g}; });
  return y;
}
Tensor operator*(const Tensor& a, double b) {
  Tensor y = scalar_op(Op::mul_scalar, a, b);
  if (autograd::should_record({a}))
    autograd::record("mul_scalar", y, {a}, [b](const Tensor& g, GradMask) { return Grads{g * b}; });
  return y;
}
Tensor operator+(double a, const Tensor& b) { return b + a; }
Tensor operator-(const Tensor& a, double b) { return a + (-b); }
Tensor operator-(double a, const Tensor& b) { return neg(b) + a; }
Tensor operator*(double a, const Tensor& b) { return b * a; }
Tensor operator/(const Tensor& a, double b) { return a * (1.0 / b); }
Tensor operator/(double a, const Tensor& b) { return div(scalar_like(b, a), b); }

static void check_in_place(const Tensor& a, const char* who) {
  if (!a.is_contiguous())
    throw ValueError(str(who, ": the target must be contiguous, got shape ", a.shape(),
                         " with strides ", a.strides(), "."));
}

Tensor& add_(Tensor& a, const Tensor& b, double alpha) {
  check_in_place(a, "add_");
  OpAttrs attrs;
  attrs.alpha = alpha;
  detail::dispatch(alpha == 1.0 ? Op::add : Op::add_scaled, {a, b.detach().expand(a.shape())},
                   {a}, attrs);
  return a;
}

Tensor& mul_(Tensor& a, const Tensor& b) {
  check_in_place(a, "mul_");
  detail::dispatch(Op::mul, {a, b.detach().expand(a.shape())}, {a});
  return a;
}

Tensor& mul_(Tensor& a, double b) {
  check_in_place(a, "mul_");
  OpAttrs attrs;
  attrs.alpha = b;
  detail::dispatch(Op::mul_scalar, {a}, {a}, attrs);
  return a;
}

Tensor& add_(Tensor& a, double b) {
  check_in_place(a, "add_");
  OpAttrs attrs;
  attrs.alpha = b;
  detail::dispatch(Op::add_scalar, {a}, {a}, attrs);
  return a;
}

}  // namespace mz
