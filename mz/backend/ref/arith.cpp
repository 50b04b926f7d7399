// Element-wise arithmetic, comparisons, where and the unary math ops, as plain loops.
#include <cmath>
#include <type_traits>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// Binary: in[0] = a, in[1] = b, both broadcast to out's shape; out same dtype.
template <class T, class F>
KernelFn binary() {
  return [](const KernelArgs& k) { map2<T, T>(k.in[0], k.in[1], k.out[0], F{}); };
}
// Comparison: as binary, out uint8 0/1.
template <class T, class F>
KernelFn comparison() {
  return [](const KernelArgs& k) { map2<T, uint8_t>(k.in[0], k.in[1], k.out[0], F{}); };
}

struct Add { template <class T> T operator()(T a, T b) const { return a + b; } };
struct Sub { template <class T> T operator()(T a, T b) const { return a - b; } };
struct Mul { template <class T> T operator()(T a, T b) const { return a * b; } };
// Integer division by zero gives 0 (as NumPy, without the trap); MIN / -1 wraps.
struct Div {
  template <class T> T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>)
        if (b == T(-1)) return static_cast<T>(T(0) - static_cast<std::make_unsigned_t<T>>(a));
    }
    return a / b;
  }
};
struct Pow { template <class T> T operator()(T a, T b) const { return std::pow(a, b); } };
// NaN propagates from either side.
struct Max {
  template <class T> T operator()(T a, T b) const { return a != a ? a : (b != b ? b : (a < b ? b : a)); }
};
struct Min {
  template <class T> T operator()(T a, T b) const { return a != a ? a : (b != b ? b : (b < a ? b : a)); }
};
struct Eq { template <class T> uint8_t operator()(T a, T b) const { return a == b; } };
struct Ne { template <class T> uint8_t operator()(T a, T b) const { return a != b; } };
struct Lt { template <class T> uint8_t operator()(T a, T b) const { return a < b; } };
struct Le { template <class T> uint8_t operator()(T a, T b) const { return a <= b; } };
struct Gt { template <class T> uint8_t operator()(T a, T b) const { return a > b; } };
struct Ge { template <class T> uint8_t operator()(T a, T b) const { return a >= b; } };

// where: in = (a, b, cond), all broadcast to out's shape.
template <class T>
void where(const KernelArgs& k) {
  const Tensor &a = k.in[0], &b = k.in[1], &c = k.in[2], &out = k.out[0];
  const T *pa = base<T>(a), *pb = base<T>(b);
  const uint8_t* pc = base<uint8_t>(c);
  T* po = mutable_base<T>(out);
  for_each_strided<4>(out.shape(), {a.strides(), b.strides(), c.strides(), out.strides()},
                      {a.offset(), b.offset(), c.offset(), out.offset()},
                      [&](const std::array<int64_t, 4>& o) {
                        po[o[3]] = pc[o[2]] ? pa[o[0]] : pb[o[1]];
                      });
}

// Unary: in[0] = x (any strides), out same dtype; attrs.alpha/beta carry scalars.
template <class T, class F>
void unary(const KernelArgs& k, F f) {
  map1<T, T>(k.in[0], k.out[0], f);
}

template <class T>
void register_floating(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::pow, d, binary<T, Pow>());
  t.set(Op::neg, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return -x; }); });
  t.set(Op::abs, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return std::abs(x); }); });
  t.set(Op::sign, d, [](const KernelArgs& k) {
    unary<T>(k, [](T x) { return x != x ? x : static_cast<T>((x > 0) - (x < 0)); });
  });
  t.set(Op::sqrt, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return std::sqrt(x); }); });
  t.set(Op::rsqrt, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return T(1) / std::sqrt(x); }); });
  t.set(Op::exp, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return std::exp(x); }); });
  t.set(Op::log, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return std::log(x); }); });
  t.set(Op::log1p, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return std::log1p(x); }); });
  t.set(Op::square, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return x * x; }); });
  t.set(Op::clip, d, [](const KernelArgs& k) {
    T lo = static_cast<T>(k.attrs->alpha), hi = static_cast<T>(k.attrs->beta);
    unary<T>(k, [=](T x) { return x != x ? x : (x < lo ? lo : (x > hi ? hi : x)); });
  });
  t.set(Op::pow_scalar, d, [](const KernelArgs& k) {
    T p = static_cast<T>(k.attrs->alpha);
    unary<T>(k, [=](T x) { return std::pow(x, p); });
  });
}

template <class T>
void register_all(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::add, d, binary<T, Add>());
  t.set(Op::sub, d, binary<T, Sub>());
  t.set(Op::mul, d, binary<T, Mul>());
  t.set(Op::div, d, binary<T, Div>());
  t.set(Op::maximum, d, binary<T, Max>());
  t.set(Op::minimum, d, binary<T, Min>());
  t.set(Op::eq, d, comparison<T, Eq>());
  t.set(Op::ne, d, comparison<T, Ne>());
  t.set(Op::lt, d, comparison<T, Lt>());
  t.set(Op::le, d, comparison<T, Le>());
  t.set(Op::gt, d, comparison<T, Gt>());
  t.set(Op::ge, d, comparison<T, Ge>());
  t.set(Op::where, d, where<T>);
  t.set(Op::add_scalar, d, [](const KernelArgs& k) {
    T s = static_cast<T>(k.attrs->alpha);
    unary<T>(k, [=](T x) { return static_cast<T>(x + s); });
  });
  // add_scaled: in = (a, b) broadcast to out's shape; out = a + alpha * b.
  t.set(Op::add_scaled, d, [](const KernelArgs& k) {
    T s = static_cast<T>(k.attrs->alpha);
    map2<T, T>(k.in[0], k.in[1], k.out[0], [=](T a, T b) { return static_cast<T>(a + s * b); });
  });
  t.set(Op::mul_scalar, d, [](const KernelArgs& k) {
    T s = static_cast<T>(k.attrs->alpha);
    unary<T>(k, [=](T x) { return static_cast<T>(x * s); });
  });
}

}  // namespace

void register_arith(KernelTable& t) {
  register_all<float>(t);
  register_all<double>(t);
  register_all<int32_t>(t);
  register_all<int64_t>(t);
  register_all<uint8_t>(t);
  register_floating<float>(t);
  register_floating<double>(t);
}

}  // namespace mz::ref
