// Reductions as plain loops: the output has x's rank with reduced axes of size 1, so walking
// x with the output's strides zeroed on reduced axes visits each group's accumulator.
#include <cmath>
#include <limits>
#include <vector>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// Strides of `out` (contiguous, keepdims shape) as seen from x's index space.
Shape group_strides(const Tensor& x, const Tensor& out) {
  Shape st = contiguous_strides(out.shape());
  for (int i = 0; i < x.rank(); ++i)
    if (out.shape()[i] == 1) st[i] = 0;
  return st;
}

// Accumulates in double (in T for integers), in x's row-major order.
template <class T, class Acc, class F>
std::vector<Acc> fold(const Tensor& x, const Tensor& out, Acc init, F f) {
  std::vector<Acc> acc(static_cast<std::size_t>(out.numel()), init);
  const T* px = base<T>(x);
  for_each_strided<2>(x.shape(), {x.strides(), group_strides(x, out)}, {x.offset(), 0},
                      [&](const std::array<int64_t, 2>& o) {
                        Acc& a = acc[static_cast<std::size_t>(o[1])];
                        a = f(a, px[o[0]]);
                      });
  return acc;
}

template <class T>
using AccOf = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <class T>
void sum(const KernelArgs& k) {
  auto acc = fold<T>(k.in[0], k.out[0], AccOf<T>{0}, [](AccOf<T> a, T v) { return a + v; });
  T* po = k.out[0].data<T>();
  for (std::size_t i = 0; i < acc.size(); ++i) po[i] = static_cast<T>(acc[i]);
}

template <class T>
void mean(const KernelArgs& k) {
  auto acc = fold<T>(k.in[0], k.out[0], 0.0, [](double a, T v) { return a + v; });
  double count = static_cast<double>(k.in[0].numel()) / std::max<int64_t>(k.out[0].numel(), 1);
  T* po = k.out[0].data<T>();
  for (std::size_t i = 0; i < acc.size(); ++i) po[i] = static_cast<T>(acc[i] / count);
}

// max/min with NaN propagation.
template <class T, bool kMax>
void extremum(const KernelArgs& k) {
  T init = kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
  if constexpr (std::is_floating_point_v<T>)
    init = kMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
  auto acc = fold<T>(k.in[0], k.out[0], init, [](T a, T v) {
    if (a != a || v != v) return a != a ? a : v;
    return kMax ? (v > a ? v : a) : (v < a ? v : a);
  });
  T* po = k.out[0].data<T>();
  for (std::size_t i = 0; i < acc.size(); ++i) po[i] = acc[i];
}

// argmax/argmin along attrs.axis: the first extreme index; a NaN counts as the extreme.
template <class T, bool kMax>
void arg_extremum(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  const int axis = static_cast<int>(k.attrs->axis);
  const int64_t n = x.shape()[axis], step = x.strides()[axis];
  const T* px = base<T>(x);
  int64_t* po = out.data<int64_t>();
  int64_t i = 0;
  for_each_strided<1>(out.shape(), {x.strides()}, {x.offset()},
                      [&](const std::array<int64_t, 1>& o) {
                        int64_t best = 0;
                        T bv = px[o[0]];
                        for (int64_t j = 1; j < n && bv == bv; ++j) {
                          T v = px[o[0] + j * step];
                          if (v != v || (kMax ? v > bv : v < bv)) {
                            best = j;
                            bv = v;
                          }
                        }
                        po[i++] = best;
                      });
}

template <class T>
void register_dtype(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::sum, d, sum<T>);
  t.set(Op::max, d, extremum<T, true>);
  t.set(Op::min, d, extremum<T, false>);
  t.set(Op::argmax, d, arg_extremum<T, true>);
  t.set(Op::argmin, d, arg_extremum<T, false>);
  if constexpr (std::is_floating_point_v<T>) t.set(Op::mean, d, mean<T>);
}

}  // namespace

void register_reduce(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
  register_dtype<int32_t>(t);
  register_dtype<int64_t>(t);
  register_dtype<uint8_t>(t);
}

}  // namespace mz::ref
