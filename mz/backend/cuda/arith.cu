// Element-wise arithmetic and the unary math ops on the device: each functor is the formula of
// its ref kernel (backend/ref/arith.cpp), run by loops.cuh's map. Comparisons and where are in
// compare.cu (split for compile time: each dtype and layout is a kernel).
#include <type_traits>

#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

struct Add {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a + b;
  }
};
struct Sub {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a - b;
  }
};
struct Mul {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a * b;
  }
};
// Integer division by zero gives 0 (as NumPy, without the trap); MIN / -1 wraps.
struct Div {
  template <class T>
  __device__ T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>)
        if (b == T(-1)) return static_cast<T>(T(0) - static_cast<std::make_unsigned_t<T>>(a));
    }
    return a / b;
  }
};
struct Pow {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return math::pow(a, b);
  }
};
// NaN propagates from either side.
struct Max {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a != a ? a : (b != b ? b : (a < b ? b : a));
  }
};
struct Min {
  template <class T>
  __device__ T operator()(T a, T b) const {
    return a != a ? a : (b != b ? b : (b < a ? b : a));
  }
};
// Scalar operands ride in the functor (attrs.alpha, attrs.beta cast to T).
template <class T>
struct AddScalar {
  T s;
  __device__ T operator()(T x) const { return static_cast<T>(x + s); }
};
template <class T>
struct MulScalar {
  T s;
  __device__ T operator()(T x) const { return static_cast<T>(x * s); }
};
template <class T>
struct AddScaled {
  T s;
  __device__ T operator()(T a, T b) const { return static_cast<T>(a + s * b); }
};
template <class T>
struct Clip {
  T lo, hi;
  __device__ T operator()(T x) const { return x != x ? x : (x < lo ? lo : (x > hi ? hi : x)); }
};
template <class T>
struct PowScalar {
  T p;
  __device__ T operator()(T x) const { return math::pow(x, p); }
};

struct Neg {
  template <class T>
  __device__ T operator()(T x) const {
    return -x;
  }
};
struct Abs {
  template <class T>
  __device__ T operator()(T x) const {
    return math::fabs(x);
  }
};
struct Sign {
  template <class T>
  __device__ T operator()(T x) const {
    return x != x ? x : static_cast<T>((x > 0) - (x < 0));
  }
};
struct Sqrt {
  template <class T>
  __device__ T operator()(T x) const {
    return math::sqrt(x);
  }
};
struct Rsqrt {
  template <class T>
  __device__ T operator()(T x) const {
    return T(1) / math::sqrt(x);
  }
};
struct Exp {
  template <class T>
  __device__ T operator()(T x) const {
    return math::exp(x);
  }
};
struct Log {
  template <class T>
  __device__ T operator()(T x) const {
    return math::log(x);
  }
};
struct Log1p {
  template <class T>
  __device__ T operator()(T x) const {
    return math::log1p(x);
  }
};
struct Square {
  template <class T>
  __device__ T operator()(T x) const {
    return x * x;
  }
};

// Binary: in = (a, b), both with out's shape (stride 0 where broadcast); out same dtype.
template <class T, class F>
void binary(const KernelArgs& k) {
  map<T, T, T>(F{}, k.out[0], {&k.in[0], &k.in[1]});
}
// Unary: in[0] = x (any strides), out same dtype.
template <class T, class F>
void unary(const KernelArgs& k) {
  map<T, T>(F{}, k.out[0], {&k.in[0]});
}

template <class T>
void add_scalar(const KernelArgs& k) {
  map<T, T>(AddScalar<T>{static_cast<T>(k.attrs->alpha)}, k.out[0], {&k.in[0]});
}
template <class T>
void mul_scalar(const KernelArgs& k) {
  map<T, T>(MulScalar<T>{static_cast<T>(k.attrs->alpha)}, k.out[0], {&k.in[0]});
}
// add_scaled: in = (a, b) with out's shape; out = a + alpha * b (out may be a: in place).
template <class T>
void add_scaled(const KernelArgs& k) {
  map<T, T, T>(AddScaled<T>{static_cast<T>(k.attrs->alpha)}, k.out[0], {&k.in[0], &k.in[1]});
}
template <class T>
void clip(const KernelArgs& k) {
  map<T, T>(Clip<T>{static_cast<T>(k.attrs->alpha), static_cast<T>(k.attrs->beta)}, k.out[0],
            {&k.in[0]});
}
template <class T>
void pow_scalar(const KernelArgs& k) {
  map<T, T>(PowScalar<T>{static_cast<T>(k.attrs->alpha)}, k.out[0], {&k.in[0]});
}

template <class T>
void register_floating(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::pow, d, binary<T, Pow>);
  t.set(Op::neg, d, unary<T, Neg>);
  t.set(Op::abs, d, unary<T, Abs>);
  t.set(Op::sign, d, unary<T, Sign>);
  t.set(Op::sqrt, d, unary<T, Sqrt>);
  t.set(Op::rsqrt, d, unary<T, Rsqrt>);
  t.set(Op::exp, d, unary<T, Exp>);
  t.set(Op::log, d, unary<T, Log>);
  t.set(Op::log1p, d, unary<T, Log1p>);
  t.set(Op::square, d, unary<T, Square>);
  t.set(Op::clip, d, clip<T>);
  t.set(Op::pow_scalar, d, pow_scalar<T>);
}

template <class T>
void register_all(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::add, d, binary<T, Add>);
  t.set(Op::sub, d, binary<T, Sub>);
  t.set(Op::mul, d, binary<T, Mul>);
  t.set(Op::div, d, binary<T, Div>);
  t.set(Op::maximum, d, binary<T, Max>);
  t.set(Op::minimum, d, binary<T, Min>);
  t.set(Op::add_scalar, d, add_scalar<T>);
  t.set(Op::mul_scalar, d, mul_scalar<T>);
  t.set(Op::add_scaled, d, add_scaled<T>);
}

}  // namespace

void register_arith(KernelTable& t) {
  register_compare(t);
  register_all<float>(t);
  register_all<double>(t);
  register_all<int32_t>(t);
  register_all<int64_t>(t);
  register_all<uint8_t>(t);
  register_floating<float>(t);
  register_floating<double>(t);
}

}  // namespace mz::cuda
