// Comparisons (uint8 0/1 results) and where on the device, for every dtype: the ref formulas of
// backend/ref/arith.cpp. Registered by register_arith (arith.cu).
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

struct Eq {
  template <class T>
  __device__ uint8_t operator()(T a, T b) const {
    return a == b;
  }
};
struct Ne {
  template <class T>
  __device__ uint8_t operator()(T a, T b) const {
    return a != b;
  }
};
struct Lt {
  template <class T>
  __device__ uint8_t operator()(T a, T b) const {
    return a < b;
  }
};
struct Le {
  template <class T>
  __device__ uint8_t operator()(T a, T b) const {
    return a <= b;
  }
};
struct Gt {
  template <class T>
  __device__ uint8_t operator()(T a, T b) const {
    return a > b;
  }
};
struct Ge {
  template <class T>
  __device__ uint8_t operator()(T a, T b) const {
    return a >= b;
  }
};

struct Where {
  template <class T>
  __device__ T operator()(T a, T b, uint8_t c) const {
    return c ? a : b;
  }
};

// in = (a, b), both with out's shape (stride 0 where broadcast); out uint8 0/1.
template <class T, class F>
void comparison(const KernelArgs& k) {
  map<uint8_t, T, T>(F{}, k.out[0], {&k.in[0], &k.in[1]});
}

// where: in = (a, b, cond), all with out's shape.
template <class T>
void where(const KernelArgs& k) {
  map<T, T, T, uint8_t>(Where{}, k.out[0], {&k.in[0], &k.in[1], &k.in[2]});
}

template <class T>
void register_dtype(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::eq, d, comparison<T, Eq>);
  t.set(Op::ne, d, comparison<T, Ne>);
  t.set(Op::lt, d, comparison<T, Lt>);
  t.set(Op::le, d, comparison<T, Le>);
  t.set(Op::gt, d, comparison<T, Gt>);
  t.set(Op::ge, d, comparison<T, Ge>);
  t.set(Op::where, d, where<T>);
}

}  // namespace

void register_compare(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
  register_dtype<int32_t>(t);
  register_dtype<int64_t>(t);
  register_dtype<uint8_t>(t);
}

}  // namespace mz::cuda
