// Activation kernels as plain loops in float32 and float64: each line is the formula of its
// declaration in ops/activation.h, computed with libm. The cpu kernels are tested against these.
#include <cmath>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// Keras's selu constants (ops/activation.h).
constexpr double kSeluAlpha = 1.67326324;
constexpr double kSeluScale = 1.05070098;

// 1 / (1 + e^-x), written so neither branch overflows: e^x / (1 + e^x) for x < 0.
template <class T>
T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

// in[0] = x (any strides), out = f(x), same shape and dtype.
template <class T, class F>
void unary(const KernelArgs& k, F f) {
  map1<T, T>(k.in[0], k.out[0], f);
}

// act_grad: in = (dy, y) (y = f(x), same shape as dy), out = dy * f'(x) from y;
// attrs.act names f.
template <class T>
void act_grad(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &y = k.in[1], &out = k.out[0];
  switch (k.attrs->act) {
    case Act::linear:
      return map2<T, T>(dy, y, out, [](T g, T) { return g; });
    case Act::relu:
      return map2<T, T>(dy, y, out, [](T g, T v) { return v > T(0) ? g : T(0); });
    case Act::tanh:
      return map2<T, T>(dy, y, out, [](T g, T v) { return g * (T(1) - v * v); });
    case Act::sigmoid:
      return map2<T, T>(dy, y, out, [](T g, T v) { return g * (v * (T(1) - v)); });
  }
}

// attrs.alpha is the slope of leaky_relu and the alpha of elu; attrs.approximate picks
// gelu's tanh form. NaN propagates through every activation.
template <class T>
void register_dtype(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::relu, d,
        [](const KernelArgs& k) { unary<T>(k, [](T x) { return x < T(0) ? T(0) : x; }); });
  t.set(Op::relu6, d, [](const KernelArgs& k) {
    unary<T>(k, [](T x) { return x < T(0) ? T(0) : (x > T(6) ? T(6) : x); });
  });
  t.set(Op::leaky_relu, d, [](const KernelArgs& k) {
    const T a = static_cast<T>(k.attrs->alpha);
    unary<T>(k, [=](T x) { return x > T(0) ? x : a * x; });
  });
  t.set(Op::elu, d, [](const KernelArgs& k) {
    const T a = static_cast<T>(k.attrs->alpha);
    unary<T>(k, [=](T x) { return x > T(0) ? x : a * std::expm1(x); });
  });
  t.set(Op::selu, d, [](const KernelArgs& k) {
    const T a = static_cast<T>(kSeluAlpha), s = static_cast<T>(kSeluScale);
    unary<T>(k, [=](T x) { return s * (x > T(0) ? x : a * std::expm1(x)); });
  });
  t.set(Op::gelu, d, [](const KernelArgs& k) {
    if (k.attrs->approximate) {
      // 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3): the sigmoid
      // form does not cancel for large negative x.
      const T c = static_cast<T>(0.7978845608028654), c3 = static_cast<T>(0.044715);
      unary<T>(k, [=](T x) { return x * sigmoid(T(2) * (c * (x + c3 * x * x * x))); });
    } else {
      // x Phi(x) = 0.5 x erfc(-x / sqrt 2) (erfc, not 1 + erf: no cancellation for x < 0).
      const T r = static_cast<T>(0.7071067811865476);
      unary<T>(k, [=](T x) { return T(0.5) * x * std::erfc(-x * r); });
    }
  });
  t.set(Op::sigmoid, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return sigmoid(x); }); });
  t.set(Op::hard_sigmoid, d, [](const KernelArgs& k) {
    unary<T>(k, [](T x) {
      const T v = x + T(3);  // relu6(x + 3) / 6, as Keras 3
      return (v < T(0) ? T(0) : (v > T(6) ? T(6) : v)) / T(6);
    });
  });
  t.set(Op::tanh, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return std::tanh(x); }); });
  t.set(Op::softplus, d, [](const KernelArgs& k) {
    // max(x, 0) + log1p(e^-|x|): no overflow for large x; NaN stays NaN.
    unary<T>(k, [](T x) { return (x > T(0) ? x : T(0)) + std::log1p(std::exp(-std::abs(x))); });
  });
  t.set(Op::softsign, d,
        [](const KernelArgs& k) { unary<T>(k, [](T x) { return x / (T(1) + std::abs(x)); }); });
  t.set(Op::silu, d, [](const KernelArgs& k) { unary<T>(k, [](T x) { return x * sigmoid(x); }); });
  t.set(Op::act_grad, d, act_grad<T>);
}

}  // namespace

void register_activation(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::ref
