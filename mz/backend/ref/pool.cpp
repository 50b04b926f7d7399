// Pooling kernels as plain loops: max_pool, max_pool_grad, avg_pool, avg_pool_grad over
// channels_last tensors (batch, s1.., sk, channels), k = 1..3, any input strides.
// Geometry in OpAttrs: window, strides and pads (padding before) per spatial axis; the output
// shape fixes the padding after. Window cells outside the input are skipped.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// The geometry as three spatial axes (D, H, W): 1-D and 2-D pooling get leading axes of size 1
// (window 1, step 1, no padding, stride 0 in memory).
struct Geo {
  int64_t batch = 0, channels = 0;
  int64_t in[3], out[3], k[3], s[3], p[3];
  int64_t xs[3], xb = 0, xc = 0;  // element strides of the pooled tensor: spatial, batch, channel
};

// x: the tensor whose shape is the pooling input (x for forward, dx for the gradients),
// y: the pooling output shape.
Geo geometry(const Tensor& x, const Shape& y, const OpAttrs& a) {
  Geo g;
  const int spatial = x.rank() - 2, lead = 3 - spatial;
  g.batch = x.shape()[0];
  g.channels = x.shape().back();
  g.xb = x.strides()[0];
  g.xc = x.strides().back();
  for (int d = 0; d < 3; ++d) {
    const int i = d - lead;  // the real spatial axis, or < 0 for a padding axis
    g.in[d] = i < 0 ? 1 : x.shape()[i + 1];
    g.out[d] = i < 0 ? 1 : y[i + 1];
    g.k[d] = i < 0 ? 1 : a.window[i];
    g.s[d] = i < 0 ? 1 : a.strides[i];
    g.p[d] = i < 0 ? 0 : a.pads[i];
    g.xs[d] = i < 0 ? 0 : x.strides()[i + 1];
  }
  return g;
}

// Calls fn(b, o0, o1, o2, c, y_offset) for every output element, y contiguous row-major.
template <class Fn>
void for_each_output(const Geo& g, Fn&& fn) {
  int64_t at = 0;
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t o0 = 0; o0 < g.out[0]; ++o0)
      for (int64_t o1 = 0; o1 < g.out[1]; ++o1)
        for (int64_t o2 = 0; o2 < g.out[2]; ++o2)
          for (int64_t c = 0; c < g.channels; ++c) fn(b, o0, o1, o2, c, at++);
}

// Calls fn(x_offset) for every cell of window (o0, o1, o2) inside the input, in row-major
// window order; offsets are relative to the (b, c) element at spatial position 0.
template <class Fn>
void for_each_cell(const Geo& g, int64_t o0, int64_t o1, int64_t o2, Fn&& fn) {
  for (int64_t w0 = 0; w0 < g.k[0]; ++w0) {
    const int64_t i0 = o0 * g.s[0] - g.p[0] + w0;
    if (i0 < 0 || i0 >= g.in[0]) continue;
    for (int64_t w1 = 0; w1 < g.k[1]; ++w1) {
      const int64_t i1 = o1 * g.s[1] - g.p[1] + w1;
      if (i1 < 0 || i1 >= g.in[1]) continue;
      for (int64_t w2 = 0; w2 < g.k[2]; ++w2) {
        const int64_t i2 = o2 * g.s[2] - g.p[2] + w2;
        if (i2 < 0 || i2 >= g.in[2]) continue;
        fn(i0 * g.xs[0] + i1 * g.xs[1] + i2 * g.xs[2]);
      }
    }
  }
}

// True when v beats the running maximum m: larger, or the first NaN (NaN wins and stays).
template <class T>
bool beats(T v, T m) {
  return v > m || (std::isnan(v) && !std::isnan(m));
}

// max_pool: in[0] = x (B, S.., C) any strides; out (B, O.., C) contiguous.
// out = the largest cell of each window (-inf for padding, which is never chosen).
template <class T>
void max_pool(const KernelArgs& k) {
  const Tensor &x = k.in[0], &y = k.out[0];
  const Geo g = geometry(x, y.shape(), *k.attrs);
  const T* px = base<T>(x);
  T* py = y.data<T>();
  for_each_output(g, [&](int64_t b, int64_t o0, int64_t o1, int64_t o2, int64_t c, int64_t at) {
    const T* src = px + x.offset() + b * g.xb + c * g.xc;
    T m = -std::numeric_limits<T>::infinity();
    for_each_cell(g, o0, o1, o2, [&](int64_t off) {
      if (beats(src[off], m)) m = src[off];
    });
    py[at] = m;
  });
}

// max_pool_grad: in[0] = x (B, S.., C), in[1] = dy (B, O.., C), any strides; out dx (x's
// shape) contiguous. Each dy goes to the first cell holding its window's maximum (row-major
// window order; the first NaN when there is one), as TF's and PyTorch's CPU kernels do.
template <class T>
void max_pool_grad(const KernelArgs& k) {
  const Tensor &x = k.in[0], &dy = k.in[1], &dx = k.out[0];
  const Geo g = geometry(x, dy.shape(), *k.attrs);
  const Geo gd = geometry(dx, dy.shape(), *k.attrs);  // dx's (contiguous) strides
  const T* px = base<T>(x);
  const T* pg = base<T>(dy);
  T* pd = dx.data<T>();
  std::fill(pd, pd + dx.numel(), T(0));
  // dy walked in row-major order through its own strides.
  std::vector<int64_t> dy_offsets;
  dy_offsets.reserve(static_cast<std::size_t>(dy.numel()));
  for_each_strided<1>(dy.shape(), {dy.strides()}, {dy.offset()},
                      [&](const std::array<int64_t, 1>& o) { dy_offsets.push_back(o[0]); });
  for_each_output(g, [&](int64_t b, int64_t o0, int64_t o1, int64_t o2, int64_t c, int64_t at) {
    const T* src = px + x.offset() + b * g.xb + c * g.xc;
    T m = -std::numeric_limits<T>::infinity();
    int64_t best0 = -1, best1 = -1, best2 = -1;
    // The same walk as max_pool, remembering the winning cell's spatial position.
    for (int64_t w0 = 0; w0 < g.k[0]; ++w0) {
      const int64_t i0 = o0 * g.s[0] - g.p[0] + w0;
      if (i0 < 0 || i0 >= g.in[0]) continue;
      for (int64_t w1 = 0; w1 < g.k[1]; ++w1) {
        const int64_t i1 = o1 * g.s[1] - g.p[1] + w1;
        if (i1 < 0 || i1 >= g.in[1]) continue;
        for (int64_t w2 = 0; w2 < g.k[2]; ++w2) {
          const int64_t i2 = o2 * g.s[2] - g.p[2] + w2;
          if (i2 < 0 || i2 >= g.in[2]) continue;
          const T v = src[i0 * g.xs[0] + i1 * g.xs[1] + i2 * g.xs[2]];
          if (best0 < 0 || beats(v, m)) m = v, best0 = i0, best1 = i1, best2 = i2;
        }
      }
    }
    if (best0 < 0) return;
    pd[b * gd.xb + c * gd.xc + best0 * gd.xs[0] + best1 * gd.xs[1] + best2 * gd.xs[2]] +=
        pg[dy_offsets[static_cast<std::size_t>(at)]];
  });
}

// avg_pool: in[0] = x (B, S.., C) any strides; out (B, O.., C) contiguous.
// out = (sum of the window's cells inside the input, in row-major window order) / their count.
template <class T>
void avg_pool(const KernelArgs& k) {
  const Tensor &x = k.in[0], &y = k.out[0];
  const Geo g = geometry(x, y.shape(), *k.attrs);
  const T* px = base<T>(x);
  T* py = y.data<T>();
  for_each_output(g, [&](int64_t b, int64_t o0, int64_t o1, int64_t o2, int64_t c, int64_t at) {
    const T* src = px + x.offset() + b * g.xb + c * g.xc;
    T sum = 0;
    int64_t count = 0;
    for_each_cell(g, o0, o1, o2, [&](int64_t off) {
      sum += src[off];
      ++count;
    });
    py[at] = sum / static_cast<T>(count);
  });
}

// avg_pool_grad: in[0] = dy (B, O.., C) any strides; out dx (B, S.., C) contiguous.
// dx[cell] += dy / count for every cell of every window (count: the window's cells inside).
template <class T>
void avg_pool_grad(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &dx = k.out[0];
  const Geo g = geometry(dx, dy.shape(), *k.attrs);
  const T* pg = base<T>(dy);
  T* pd = dx.data<T>();
  std::fill(pd, pd + dx.numel(), T(0));
  std::vector<int64_t> dy_offsets;
  dy_offsets.reserve(static_cast<std::size_t>(dy.numel()));
  for_each_strided<1>(dy.shape(), {dy.strides()}, {dy.offset()},
                      [&](const std::array<int64_t, 1>& o) { dy_offsets.push_back(o[0]); });
  for_each_output(g, [&](int64_t b, int64_t o0, int64_t o1, int64_t o2, int64_t c, int64_t at) {
    T* dst = pd + b * g.xb + c * g.xc;
    int64_t count = 0;
    for_each_cell(g, o0, o1, o2, [&](int64_t) { ++count; });
    const T share = pg[dy_offsets[static_cast<std::size_t>(at)]] / static_cast<T>(count);
    for_each_cell(g, o0, o1, o2, [&](int64_t off) { dst[off] += share; });
  });
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::max_pool, dtype_of<T>, max_pool<T>);
  t.set(Op::max_pool_grad, dtype_of<T>, max_pool_grad<T>);
  t.set(Op::avg_pool, dtype_of<T>, avg_pool<T>);
  t.set(Op::avg_pool_grad, dtype_of<T>, avg_pool_grad<T>);
}

}  // namespace

void register_pool(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::ref
