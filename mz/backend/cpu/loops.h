// The cpu backend's element-wise loop drivers: which operand layouts have a fast path (dense,
// scalar, row- or column-broadcast), the threading rule, and the fall back to ref for the rest.
// Kernels in arith.cpp and activation.cpp are a functor plus one of these drivers.
#pragma once

#include <algorithm>
#include <cstdint>

#include "mz/backend/kernel.h"
#include "mz/core/thread_pool.h"

namespace mz::cpu {

// Fewest elements worth a thread wake-up: smaller tensors run inline on the caller.
inline constexpr int64_t kGrain = 32768;
// Threaded ranges start at multiples of kSplit (a multiple of every vector width), so each
// element runs through the same code (vector body or tail) whatever the thread count: the
// results are bitwise independent of the number of threads.
inline constexpr int64_t kSplit = 1024;

// Calls f(begin, end) on ranges covering [0, n): inline below 2 * grain elements, else over
// the thread pool.
template <class F>
void parallel_range(int64_t n, F&& f, int64_t grain = kGrain) {
  if (n < 2 * grain || num_threads() == 1) {
    if (n > 0) f(int64_t{0}, n);
    return;
  }
  const int64_t blocks = (n + kSplit - 1) / kSplit;
  parallel_for(blocks, std::max<int64_t>(grain / kSplit, 1),
               [&](int64_t b0, int64_t b1) { f(b0 * kSplit, std::min(n, b1 * kSplit)); });
}

// How an operand (already broadcast to the output's shape) lies in memory.
//   dense:  row-major contiguous;
//   scalar: one element (every axis of size > 1 has stride 0);
//   row:    a contiguous block of `inner` elements repeated for each row (a bias over rows);
//   col:    one element per row of `inner` output elements (a (rows, 1) column broadcast);
//   other:  anything else: the kernel falls back to ref.
enum class Layout : uint8_t { dense, scalar, row, col, other };

// A layout and its row length (row, col); inner is 1 for the others.
struct Operand {
  Layout layout = Layout::other;
  int64_t inner = 1;
};

// The layout of t, an operand already broadcast to the output's shape.
inline Operand classify(const Tensor& t) {
  if (t.is_contiguous()) return {Layout::dense, 1};
  const Shape &s = t.shape(), &st = t.strides();
  const int r = s.rank();
  // row: a dense suffix of axes after a prefix of broadcast (stride 0) axes.
  int k = r;
  int64_t step = 1;
  while (k > 0 && (s[k - 1] == 1 || st[k - 1] == step)) step *= s[--k];
  bool zero_prefix = true;
  for (int i = 0; i < k; ++i) zero_prefix = zero_prefix && (s[i] == 1 || st[i] == 0);
  if (zero_prefix) return {step == 1 ? Layout::scalar : Layout::row, step};
  // col: a suffix of broadcast axes after a dense prefix.
  k = r;
  int64_t inner = 1;
  while (k > 0 && (s[k - 1] == 1 || st[k - 1] == 0)) inner *= s[--k];
  step = 1;
  for (int i = k - 1; i >= 0; --i) {
    if (s[i] != 1 && st[i] != step) return {};
    step *= s[i];
  }
  return {Layout::col, inner};
}

// The ref kernel of (op, dtype): the fallback for layouts without a fast path.
inline void run_ref(Op op, DType dtype, const KernelArgs& k) {
  kernel_table(DeviceType::ref).get(op, dtype)(k);
}

// out[i] = f(x[i]) when x and out are dense; false otherwise.
template <class T, class R, class F>
bool unary_loop(const Tensor& x, const Tensor& out, F f, int64_t grain = kGrain) {
  if (!x.is_contiguous() || !out.is_contiguous()) return false;
  const T* px = static_cast<const T*>(x.raw_data());
  R* po = static_cast<R*>(out.raw_data());
  // NOTE: each range copies f and the pointers into locals: read through the closure, a
  // captured float could alias the output and the loop would not vectorise.
  parallel_range(
      out.numel(),
      [f, px, po](int64_t b, int64_t e) {
        const F fl = f;
        const T* x = px;
        R* o = po;
        for (int64_t i = b; i < e; ++i) o[i] = fl(x[i]);
      },
      grain);
  return true;
}

// Walks [b, e) of a (rows, inner) output row segment by row segment: seg(i, j, len) covers
// flat elements i..i+len, which are columns j..j+len of one row.
template <class Seg>
void row_segments(int64_t b, int64_t e, int64_t inner, Seg seg) {
  for (int64_t i = b; i < e;) {
    const int64_t j = i % inner, len = std::min(inner - j, e - i);
    seg(i, j, len);
    i += len;
  }
}

// out[i] = f(a[i], b[i]) for the layout pairs with a fast path (dense with dense, scalar, row
// or col, either way round); false for the others. out may alias a dense a (in-place updates).
template <class T, class R, class F>
bool binary_loop(const Tensor& a, const Tensor& b, const Tensor& out, F f, int64_t grain = kGrain) {
  if (!out.is_contiguous()) return false;
  const Operand oa = classify(a), ob = classify(b);
  const T* pa = static_cast<const T*>(a.raw_data());
  const T* pb = static_cast<const T*>(b.raw_data());
  R* po = static_cast<R*>(out.raw_data());
  const int64_t n = out.numel();
  const Layout la = oa.layout, lb = ob.layout;
  // Each range copies f, the pointers and the sizes into locals (see unary_loop).
  if (la == Layout::dense && lb == Layout::dense) {
    parallel_range(
        n,
        [f, pa, pb, po](int64_t s, int64_t e) {
          const F fl = f;
          const T *x = pa, *y = pb;
          R* o = po;
          for (int64_t i = s; i < e; ++i) o[i] = fl(x[i], y[i]);
        },
        grain);
  } else if (la == Layout::dense && lb == Layout::scalar) {
    parallel_range(
        n,
        [f, pa, vb = *pb, po](int64_t s, int64_t e) {
          const F fl = f;
          const T* x = pa;
          const T y = vb;
          R* o = po;
          for (int64_t i = s; i < e; ++i) o[i] = fl(x[i], y);
        },
        grain);
  } else if (la == Layout::scalar && lb == Layout::dense) {
    parallel_range(
        n,
        [f, va = *pa, pb, po](int64_t s, int64_t e) {
          const F fl = f;
          const T x = va;
          const T* y = pb;
          R* o = po;
          for (int64_t i = s; i < e; ++i) o[i] = fl(x, y[i]);
        },
        grain);
  } else if ((la == Layout::dense && lb == Layout::row) ||
             (la == Layout::row && lb == Layout::dense)) {
    // One dense operand, one row repeated over rows.
    const bool row_b = lb == Layout::row;
    const int64_t inner = row_b ? ob.inner : oa.inner;
    parallel_range(
        n,
        [f, pa, pb, po, inner, row_b](int64_t s, int64_t e) {
          row_segments(s, e, inner, [&](int64_t i, int64_t j, int64_t len) {
            const F fl = f;
            R* o = po + i;
            if (row_b) {
              const T *x = pa + i, *y = pb + j;
              for (int64_t t = 0; t < len; ++t) o[t] = fl(x[t], y[t]);
            } else {
              const T *x = pa + j, *y = pb + i;
              for (int64_t t = 0; t < len; ++t) o[t] = fl(x[t], y[t]);
            }
          });
        },
        grain);
  } else if ((la == Layout::dense && lb == Layout::col) ||
             (la == Layout::col && lb == Layout::dense)) {
    // One dense operand, one value per row.
    const bool col_b = lb == Layout::col;
    const int64_t inner = col_b ? ob.inner : oa.inner;
    parallel_range(
        n,
        [f, pa, pb, po, inner, col_b](int64_t s, int64_t e) {
          row_segments(s, e, inner, [&](int64_t i, int64_t, int64_t len) {
            const F fl = f;
            R* o = po + i;
            if (col_b) {
              const T* x = pa + i;
              const T y = pb[i / inner];
              for (int64_t t = 0; t < len; ++t) o[t] = fl(x[t], y);
            } else {
              const T x = pa[i / inner];
              const T* y = pb + i;
              for (int64_t t = 0; t < len; ++t) o[t] = fl(x, y[t]);
            }
          });
        },
        grain);
  } else {
    return false;
  }
  return true;
}

}  // namespace mz::cpu
