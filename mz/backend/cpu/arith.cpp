// Fast element-wise arithmetic (float32, float64): the formulas of backend/ref/arith.cpp as
// vectorised, threaded loops (loops.h) over dense, scalar and row/column-broadcast operands;
// other layouts and the integer dtypes run the ref kernels.
#include <cmath>
#include <cstdint>

#include "mz/backend/cpu/fast_math.h"
#include "mz/backend/cpu/loops.h"
#include "mz/backend/cpu/register.h"

namespace mz::cpu {
namespace {

// Loops that call libm scalar functions (std::pow) are ~10x slower per element than the
// vectorised ones, so they are worth threading sooner.
constexpr int64_t kGrainLibm = 4096;

// The binary formulas, as in ref (captureless lambdas, so a kernel template can make one).
constexpr auto kAdd = [](auto a, auto b) { return a + b; };
constexpr auto kSub = [](auto a, auto b) { return a - b; };
constexpr auto kMul = [](auto a, auto b) { return a * b; };
constexpr auto kDiv = [](auto a, auto b) { return a / b; };
constexpr auto kPow = [](auto a, auto b) { return std::pow(a, b); };
// NaN propagates from either side; at ties a wins (as ref: -0/+0 keep their side).
constexpr auto kMax = [](auto a, auto b) { return a != a ? a : (b != b ? b : (a < b ? b : a)); };
constexpr auto kMin = [](auto a, auto b) { return a != a ? a : (b != b ? b : (b < a ? b : a)); };
constexpr auto kEq = [](auto a, auto b) -> uint8_t { return a == b; };
constexpr auto kNe = [](auto a, auto b) -> uint8_t { return a != b; };
constexpr auto kLt = [](auto a, auto b) -> uint8_t { return a < b; };
constexpr auto kLe = [](auto a, auto b) -> uint8_t { return a <= b; };
constexpr auto kGt = [](auto a, auto b) -> uint8_t { return a > b; };
constexpr auto kGe = [](auto a, auto b) -> uint8_t { return a >= b; };

// Binary op: in = (a, b) broadcast to out's shape; R is T, or uint8 for comparisons.
template <Op kOp, class T, class R, class F>
void binary(const KernelArgs& k) {
  const int64_t grain = kOp == Op::pow ? kGrainLibm : kGrain;
  if (!binary_loop<T, R>(k.in[0], k.in[1], k.out[0], F{}, grain)) run_ref(kOp, dtype_of<T>, k);
}

// Unary op: in[0] = x, out dense; f is built from the attributes.
template <class T, class F>
void unary(Op op, const KernelArgs& k, F f, int64_t grain = kGrain) {
  if (!unary_loop<T, T>(k.in[0], k.out[0], f, grain)) run_ref(op, dtype_of<T>, k);
}

// sqrt and rsqrt: hand-vectorised (fast_math.h), dense only.
template <Op kOp, class T>
void sqrt_kernel(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  if (!x.is_contiguous() || !out.is_contiguous()) return run_ref(kOp, dtype_of<T>, k);
  const T* px = static_cast<const T*>(x.raw_data());
  T* po = static_cast<T*>(out.raw_data());
  parallel_range(out.numel(),
                 [&](int64_t b, int64_t e) { sqrt_n(px + b, po + b, e - b, kOp == Op::rsqrt); });
}

// where: in = (a, b, cond); cond dense, a and b dense or scalar (a zero), out dense.
template <class T, bool kScalarA, bool kScalarB>
void where_loop(const T* pa, const T* pb, const uint8_t* pc, T* po, int64_t n) {
  parallel_range(n, [pa, pb, pc, po](int64_t s, int64_t e) {
    const T *a = pa, *b = pb, va = *pa, vb = *pb;
    const uint8_t* c = pc;
    T* o = po;
    for (int64_t i = s; i < e; ++i) {
      const T x = kScalarA ? va : a[i], y = kScalarB ? vb : b[i];
      o[i] = c[i] ? x : y;
    }
  });
}

template <class T>
void where(const KernelArgs& k) {
  const Tensor &a = k.in[0], &b = k.in[1], &c = k.in[2], &out = k.out[0];
  const Layout la = classify(a).layout, lb = classify(b).layout;
  const bool ok = out.is_contiguous() && c.is_contiguous() &&
                  (la == Layout::dense || la == Layout::scalar) &&
                  (lb == Layout::dense || lb == Layout::scalar);
  if (!ok) return run_ref(Op::where, dtype_of<T>, k);
  const T *pa = static_cast<const T*>(a.raw_data()), *pb = static_cast<const T*>(b.raw_data());
  const uint8_t* pc = static_cast<const uint8_t*>(c.raw_data());
  T* po = static_cast<T*>(out.raw_data());
  const int64_t n = out.numel();
  const bool sa = la == Layout::scalar, sb = lb == Layout::scalar;
  if (sa && sb)
    where_loop<T, true, true>(pa, pb, pc, po, n);
  else if (sa)
    where_loop<T, true, false>(pa, pb, pc, po, n);
  else if (sb)
    where_loop<T, false, true>(pa, pb, pc, po, n);
  else
    where_loop<T, false, false>(pa, pb, pc, po, n);
}

template <class T>
void register_dtype(KernelTable& t) {
  using M = Math<T>;
  constexpr DType d = dtype_of<T>;
  t.set(Op::add, d, binary<Op::add, T, T, decltype(kAdd)>);
  t.set(Op::sub, d, binary<Op::sub, T, T, decltype(kSub)>);
  t.set(Op::mul, d, binary<Op::mul, T, T, decltype(kMul)>);
  t.set(Op::div, d, binary<Op::div, T, T, decltype(kDiv)>);
  t.set(Op::pow, d, binary<Op::pow, T, T, decltype(kPow)>);
  t.set(Op::maximum, d, binary<Op::maximum, T, T, decltype(kMax)>);
  t.set(Op::minimum, d, binary<Op::minimum, T, T, decltype(kMin)>);
  t.set(Op::eq, d, binary<Op::eq, T, uint8_t, decltype(kEq)>);
  t.set(Op::ne, d, binary<Op::ne, T, uint8_t, decltype(kNe)>);
  t.set(Op::lt, d, binary<Op::lt, T, uint8_t, decltype(kLt)>);
  t.set(Op::le, d, binary<Op::le, T, uint8_t, decltype(kLe)>);
  t.set(Op::gt, d, binary<Op::gt, T, uint8_t, decltype(kGt)>);
  t.set(Op::ge, d, binary<Op::ge, T, uint8_t, decltype(kGe)>);
  t.set(Op::where, d, where<T>);
  t.set(Op::sqrt, d, sqrt_kernel<Op::sqrt, T>);
  t.set(Op::rsqrt, d, sqrt_kernel<Op::rsqrt, T>);

  t.set(Op::neg, d, [](const KernelArgs& k) { unary<T>(Op::neg, k, [](T x) { return -x; }); });
  t.set(Op::abs, d,
        [](const KernelArgs& k) { unary<T>(Op::abs, k, [](T x) { return std::abs(x); }); });
  t.set(Op::sign, d, [](const KernelArgs& k) {
    unary<T>(Op::sign, k, [](T x) {
      return select(x != x, x, static_cast<T>((x > 0) - (x < 0)));  // fast_math.h NOTE
    });
  });
  t.set(Op::square, d,
        [](const KernelArgs& k) { unary<T>(Op::square, k, [](T x) { return x * x; }); });
  // float32 exp/log/log1p are vectorised polynomials; float64 calls libm.
  constexpr int64_t transcendental_grain = sizeof(T) == 4 ? kGrain : kGrainLibm;
  t.set(Op::exp, d, [](const KernelArgs& k) {
    unary<T>(
        Op::exp, k, [](T x) { return M::exp(x); }, transcendental_grain);
  });
  t.set(Op::log, d, [](const KernelArgs& k) {
    unary<T>(
        Op::log, k, [](T x) { return M::log(x); }, transcendental_grain);
  });
  t.set(Op::log1p, d, [](const KernelArgs& k) {
    unary<T>(
        Op::log1p, k, [](T x) { return M::log1p(x); }, transcendental_grain);
  });
  t.set(Op::clip, d, [](const KernelArgs& k) {
    const T lo = static_cast<T>(k.attrs->alpha), hi = static_cast<T>(k.attrs->beta);
    unary<T>(Op::clip, k, [=](T x) { return x != x ? x : (x < lo ? lo : (x > hi ? hi : x)); });
  });
  t.set(Op::add_scalar, d, [](const KernelArgs& k) {
    const T s = static_cast<T>(k.attrs->alpha);
    unary<T>(Op::add_scalar, k, [=](T x) { return x + s; });
  });
  t.set(Op::add_scaled, d, [](const KernelArgs& k) {
    const T s = static_cast<T>(k.attrs->alpha);
    if (!binary_loop<T, T>(k.in[0], k.in[1], k.out[0], [s](T a, T b) { return a + s * b; }))
      run_ref(Op::add_scaled, dtype_of<T>, k);
  });
  t.set(Op::mul_scalar, d, [](const KernelArgs& k) {
    const T s = static_cast<T>(k.attrs->alpha);
    unary<T>(Op::mul_scalar, k, [=](T x) { return x * s; });
  });
  // x^p: the exponents with an exact short form (pow(x, 2) is the rounded x*x, pow(x, -1)
  // the rounded 1/x), else libm.
  t.set(Op::pow_scalar, d, [](const KernelArgs& k) {
    const T p = static_cast<T>(k.attrs->alpha);
    if (p == T(2)) return unary<T>(Op::pow_scalar, k, [](T x) { return x * x; });
    if (p == T(1)) return unary<T>(Op::pow_scalar, k, [](T x) { return x; });
    if (p == T(-1)) return unary<T>(Op::pow_scalar, k, [](T x) { return T(1) / x; });
    unary<T>(
        Op::pow_scalar, k, [=](T x) { return std::pow(x, p); }, kGrainLibm);
  });
}

}  // namespace

void register_arith(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cpu
