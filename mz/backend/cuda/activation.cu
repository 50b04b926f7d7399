// Activation kernels on the device, float32 and float64: each functor is the formula of its
// ref kernel (backend/ref/activation.cpp), so NaN, inf and the selu/gelu constants match.
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

// Keras's selu constants (ops/activation.h).
constexpr double kSeluAlpha = 1.67326324;
constexpr double kSeluScale = 1.05070098;

// 1 / (1 + e^-x), written so neither branch overflows: e^x / (1 + e^x) for x < 0.
template <class T>
__device__ __forceinline__ T sigmoid(T x) {
  if (x >= T(0)) return T(1) / (T(1) + math::exp(-x));
  const T e = math::exp(x);
  return e / (T(1) + e);
}

struct Relu {
  template <class T>
  __device__ T operator()(T x) const {
    return x < T(0) ? T(0) : x;
  }
};
struct Relu6 {
  template <class T>
  __device__ T operator()(T x) const {
    return x < T(0) ? T(0) : (x > T(6) ? T(6) : x);
  }
};
template <class T>
struct LeakyRelu {
  T a;
  __device__ T operator()(T x) const { return x > T(0) ? x : a * x; }
};
template <class T>
struct Elu {
  T a;
  __device__ T operator()(T x) const { return x > T(0) ? x : a * math::expm1(x); }
};
struct Selu {
  template <class T>
  __device__ T operator()(T x) const {
    const T a = static_cast<T>(kSeluAlpha), s = static_cast<T>(kSeluScale);
    return s * (x > T(0) ? x : a * math::expm1(x));
  }
};
// 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3).
struct GeluTanh {
  template <class T>
  __device__ T operator()(T x) const {
    const T c = static_cast<T>(0.7978845608028654), c3 = static_cast<T>(0.044715);
    return x * sigmoid(T(2) * (c * (x + c3 * x * x * x)));
  }
};
// x Phi(x) = 0.5 x erfc(-x / sqrt 2).
struct Gelu {
  template <class T>
  __device__ T operator()(T x) const {
    const T r = static_cast<T>(0.7071067811865476);
    return T(0.5) * x * math::erfc(-x * r);
  }
};
struct Sigmoid {
  template <class T>
  __device__ T operator()(T x) const {
    return sigmoid(x);
  }
};
struct HardSigmoid {
  template <class T>
  __device__ T operator()(T x) const {
    const T v = x + T(3);  // relu6(x + 3) / 6, as Keras 3
    return (v < T(0) ? T(0) : (v > T(6) ? T(6) : v)) / T(6);
  }
};
struct Tanh {
  template <class T>
  __device__ T operator()(T x) const {
    return math::tanh(x);
  }
};
// max(x, 0) + log1p(e^-|x|): no overflow for large x; NaN stays NaN.
struct Softplus {
  template <class T>
  __device__ T operator()(T x) const {
    return (x > T(0) ? x : T(0)) + math::log1p(math::exp(-math::fabs(x)));
  }
};
struct Softsign {
  template <class T>
  __device__ T operator()(T x) const {
    return x / (T(1) + math::fabs(x));
  }
};
struct Silu {
  template <class T>
  __device__ T operator()(T x) const {
    return x * sigmoid(x);
  }
};

// dy * f'(x) from y = f(x).
struct GradLinear {
  template <class T>
  __device__ T operator()(T g, T) const {
    return g;
  }
};
struct GradRelu {
  template <class T>
  __device__ T operator()(T g, T v) const {
    return v > T(0) ? g : T(0);
  }
};
struct GradTanh {
  template <class T>
  __device__ T operator()(T g, T v) const {
    return g * (T(1) - v * v);
  }
};
struct GradSigmoid {
  template <class T>
  __device__ T operator()(T g, T v) const {
    return g * (v * (T(1) - v));
  }
};

// in[0] = x (any strides), out = f(x), same shape and dtype.
template <class T, class F>
void unary(const KernelArgs& k) {
  map<T, T>(F{}, k.out[0], {&k.in[0]});
}

template <class T>
void leaky_relu(const KernelArgs& k) {
  map<T, T>(LeakyRelu<T>{static_cast<T>(k.attrs->alpha)}, k.out[0], {&k.in[0]});
}
template <class T>
void elu(const KernelArgs& k) {
  map<T, T>(Elu<T>{static_cast<T>(k.attrs->alpha)}, k.out[0], {&k.in[0]});
}
template <class T>
void gelu(const KernelArgs& k) {
  if (k.attrs->approximate)
    map<T, T>(GeluTanh{}, k.out[0], {&k.in[0]});
  else
    map<T, T>(Gelu{}, k.out[0], {&k.in[0]});
}

// act_grad: in = (dy, y), same shape; out = dy * f'(x) from y; attrs.act names f.
template <class T>
void act_grad(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &y = k.in[1], &out = k.out[0];
  switch (k.attrs->act) {
    case Act::linear:
      return map<T, T, T>(GradLinear{}, out, {&dy, &y});
    case Act::relu:
      return map<T, T, T>(GradRelu{}, out, {&dy, &y});
    case Act::tanh:
      return map<T, T, T>(GradTanh{}, out, {&dy, &y});
    case Act::sigmoid:
      return map<T, T, T>(GradSigmoid{}, out, {&dy, &y});
  }
}

template <class T>
void register_dtype(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::relu, d, unary<T, Relu>);
  t.set(Op::relu6, d, unary<T, Relu6>);
  t.set(Op::leaky_relu, d, leaky_relu<T>);
  t.set(Op::elu, d, elu<T>);
  t.set(Op::selu, d, unary<T, Selu>);
  t.set(Op::gelu, d, gelu<T>);
  t.set(Op::sigmoid, d, unary<T, Sigmoid>);
  t.set(Op::hard_sigmoid, d, unary<T, HardSigmoid>);
  t.set(Op::tanh, d, unary<T, Tanh>);
  t.set(Op::softplus, d, unary<T, Softplus>);
  t.set(Op::softsign, d, unary<T, Softsign>);
  t.set(Op::silu, d, unary<T, Silu>);
  t.set(Op::act_grad, d, act_grad<T>);
}

}  // namespace

void register_activation(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cuda
