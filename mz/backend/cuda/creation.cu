// fill and copy (copy also converts dtypes: the cast op) on the device.
#include <cmath>

#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

template <class T>
struct Constant {
  T value;
  __device__ T operator()() const { return value; }
};

template <class R>
struct Convert {
  template <class T>
  __device__ R operator()(T v) const {
    return static_cast<R>(v);
  }
};

// out (contiguous) = attrs.alpha; all-zero bits go through cudaMemsetAsync.
template <class T>
void fill(const KernelArgs& k) {
  const Tensor& out = k.out[0];
  const T v = static_cast<T>(k.attrs->alpha);
  if (out.numel() == 0) return;
  if (v == T(0) && !std::signbit(static_cast<double>(v))) {
    DeviceContext& ctx = activate(out.device().index);
    check(cudaMemsetAsync(first_element<T>(out), 0, out.numel() * sizeof(T), ctx.stream), "fill");
    return;
  }
  map<T>(Constant<T>{v}, out, {});
}

// out = in, element by element, both of any strides, converting T to out's dtype; contiguous
// same-dtype copies are one cudaMemcpyAsync.
template <class T>
void copy(const KernelArgs& k) {
  const Tensor &in = k.in[0], &out = k.out[0];
  if (out.dtype() == in.dtype() && in.is_contiguous() && out.is_contiguous()) {
    if (out.numel() == 0) return;
    DeviceContext& ctx = activate(out.device().index);
    check(cudaMemcpyAsync(first_element<T>(out), first_element<const T>(in),
                          out.numel() * sizeof(T), cudaMemcpyDeviceToDevice, ctx.stream),
          "copy");
    return;
  }
  visit_dtype(out.dtype(), [&](auto zero) {
    using R = decltype(zero);
    map<R, T>(Convert<R>{}, out, {&in});
  });
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::fill, dtype_of<T>, fill<T>);
  t.set(Op::copy, dtype_of<T>, copy<T>);
}

}  // namespace

void register_creation(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
  register_dtype<int32_t>(t);
  register_dtype<int64_t>(t);
  register_dtype<uint8_t>(t);
}

}  // namespace mz::cuda
