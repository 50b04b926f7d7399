// Fast activations (float32, float64): the formulas of backend/ref/activation.cpp as
// vectorised, threaded loops over dense tensors; float32 exp/tanh/sigmoid/erfc come from
// fast_math.h, and choices between computed values use select (fast_math.h NOTE). Strided
// inputs run the ref kernels.
#include <cmath>

#include "mz/backend/cpu/fast_math.h"
#include "mz/backend/cpu/loops.h"
#include "mz/backend/cpu/register.h"

namespace mz::cpu {
namespace {

// Keras's selu constants (ops/activation.h).
constexpr double kSeluAlpha = 1.67326324;
constexpr double kSeluScale = 1.05070098;

// float64 transcendental loops call libm, ~10x slower per element: thread them sooner.
template <class T>
constexpr int64_t kActGrain = sizeof(T) == 4 ? kGrain : 4096;

template <class T, class F>
void unary(Op op, const KernelArgs& k, F f) {
  if (!unary_loop<T, T>(k.in[0], k.out[0], f, kActGrain<T>)) run_ref(op, dtype_of<T>, k);
}

// act_grad: in = (dy, y), out = dy * f'(x) written with y = f(x).
template <class T, class F>
void grad(const KernelArgs& k, F f) {
  if (!binary_loop<T, T>(k.in[0], k.in[1], k.out[0], f)) run_ref(Op::act_grad, dtype_of<T>, k);
}

template <class T>
void act_grad(const KernelArgs& k) {
  switch (k.attrs->act) {
    case Act::linear:
      return grad<T>(k, [](T dy, T) { return dy; });
    case Act::relu:
      return grad<T>(k, [](T dy, T y) { return y > T(0) ? dy : T(0); });
    case Act::tanh:
      return grad<T>(k, [](T dy, T y) { return dy * (T(1) - y * y); });
    case Act::sigmoid:
      return grad<T>(k, [](T dy, T y) { return dy * (y * (T(1) - y)); });
  }
}

template <class T>
void register_dtype(KernelTable& t) {
  using M = Math<T>;
  constexpr DType d = dtype_of<T>;
  t.set(Op::relu, d, [](const KernelArgs& k) {
    unary<T>(Op::relu, k, [](T x) { return x < T(0) ? T(0) : x; });
  });
  t.set(Op::relu6, d, [](const KernelArgs& k) {
    unary<T>(Op::relu6, k, [](T x) { return x < T(0) ? T(0) : (x > T(6) ? T(6) : x); });
  });
  t.set(Op::leaky_relu, d, [](const KernelArgs& k) {
    const T a = static_cast<T>(k.attrs->alpha);
    unary<T>(Op::leaky_relu, k, [=](T x) { return select(x > T(0), x, a * x); });
  });
  t.set(Op::elu, d, [](const KernelArgs& k) {
    const T a = static_cast<T>(k.attrs->alpha);
    unary<T>(Op::elu, k, [=](T x) { return select(x > T(0), x, a * M::expm1(x)); });
  });
  t.set(Op::selu, d, [](const KernelArgs& k) {
    const T a = static_cast<T>(kSeluAlpha), s = static_cast<T>(kSeluScale);
    unary<T>(Op::selu, k, [=](T x) { return s * select(x > T(0), x, a * M::expm1(x)); });
  });
  t.set(Op::gelu, d, [](const KernelArgs& k) {
    if (k.attrs->approximate) {
      // x * sigmoid(2u) = 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3).
      const T c = static_cast<T>(0.7978845608028654), c3 = static_cast<T>(0.044715);
      unary<T>(Op::gelu, k, [=](T x) { return x * M::sigmoid(T(2) * (c * (x + c3 * x * x * x))); });
    } else {
      // x Phi(x) = 0.5 x erfc(-x / sqrt 2).
      const T r = static_cast<T>(0.7071067811865476);
      unary<T>(Op::gelu, k, [=](T x) { return T(0.5) * x * M::erfc(-x * r); });
    }
  });
  t.set(Op::sigmoid, d,
        [](const KernelArgs& k) { unary<T>(Op::sigmoid, k, [](T x) { return M::sigmoid(x); }); });
  t.set(Op::hard_sigmoid, d, [](const KernelArgs& k) {
    unary<T>(Op::hard_sigmoid, k, [](T x) {
      const T v = x + T(3);
      return (v < T(0) ? T(0) : (v > T(6) ? T(6) : v)) / T(6);
    });
  });
  t.set(Op::tanh, d,
        [](const KernelArgs& k) { unary<T>(Op::tanh, k, [](T x) { return M::tanh(x); }); });
  t.set(Op::softplus, d, [](const KernelArgs& k) {
    unary<T>(Op::softplus, k,
             [](T x) { return (x > T(0) ? x : T(0)) + M::log1p(M::exp(-std::abs(x))); });
  });
  t.set(Op::softsign, d, [](const KernelArgs& k) {
    unary<T>(Op::softsign, k, [](T x) { return x / (T(1) + std::abs(x)); });
  });
  t.set(Op::silu, d,
        [](const KernelArgs& k) { unary<T>(Op::silu, k, [](T x) { return x * M::sigmoid(x); }); });
  t.set(Op::act_grad, d, act_grad<T>);
}

}  // namespace

void register_activation(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cpu
