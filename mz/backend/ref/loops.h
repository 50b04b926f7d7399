// The generic strided loops that ref kernels are written with.
#pragma once

#include "mz/backend/kernel.h"
#include "mz/core/strided.h"

namespace mz::ref {

// The start of t's storage as T (offsets from for_each_strided include t.offset()).
template <class T>
const T* base(const Tensor& t) {
  return static_cast<const T*>(t.storage()->data());
}
template <class T>
T* mutable_base(const Tensor& t) {
  return static_cast<T*>(t.storage()->data());
}

// out[i] = f(x[i]) over any strides of x and out.
template <class T, class R, class F>
void map1(const Tensor& x, const Tensor& out, F f) {
  const T* px = base<T>(x);
  R* po = mutable_base<R>(out);
  for_each_strided<2>(out.shape(), {x.strides(), out.strides()}, {x.offset(), out.offset()},
                      [&](const std::array<int64_t, 2>& o) { po[o[1]] = f(px[o[0]]); });
}

// out[i] = f(a[i], b[i]); a and b already have out's shape (broadcast dims have stride 0).
template <class T, class R, class F>
void map2(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  const T* pa = base<T>(a);
  const T* pb = base<T>(b);
  R* po = mutable_base<R>(out);
  for_each_strided<3>(out.shape(), {a.strides(), b.strides(), out.strides()},
                      {a.offset(), b.offset(), out.offset()},
                      [&](const std::array<int64_t, 3>& o) { po[o[2]] = f(pa[o[0]], pb[o[1]]); });
}

}  // namespace mz::ref
