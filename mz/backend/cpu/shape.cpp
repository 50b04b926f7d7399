// Copying, joining and padding kernels (cpu): copy, concat and pad as block copies (memcpy of
// the longest contiguous runs), threaded over rows. Each output element is written once by a
// plain copy, so any thread count gives the same bits. Layouts without contiguous runs run the
// ref kernel.
#include <algorithm>
#include <cstring>

#include "mz/backend/cpu/loops.h"
#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

namespace mz::cpu {
namespace {

// Fewest bytes worth a thread wake-up.
constexpr int64_t kBytes = 1 << 17;

// Rows of `row_bytes` per thread range, at least one.
int64_t row_grain(int64_t row_bytes) {
  return std::max<int64_t>(1, kBytes / std::max<int64_t>(row_bytes, 1));
}

// pad (see ref): out is x grown by attrs.pads[d] before each axis d and filled with attrs.alpha.
// Axes after the last padded one (L) form one contiguous block of `inner` elements, so out is
// (rows, out_L * inner) and each row is [fill | x's run of x_L * inner | fill] or all fill.
// Needs x contiguous on axes L.. (any strides before).
template <class T>
void pad(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  const int rank = x.rank();
  if (rank == 0 || x.numel() == 0) return run_ref(Op::pad, dtype_of<T>, k);
  const Shape& pads = k.attrs->pads;
  int last = 0;
  for (int d = 0; d < rank; ++d)
    if (out.shape()[d] != x.shape()[d]) last = d;
  int64_t inner = 1;
  for (int d = rank - 1; d > last; --d) inner *= x.shape()[d];
  // x must be contiguous from axis `last` on.
  int64_t step = 1;
  for (int d = rank - 1; d >= last; --d) {
    if (x.shape()[d] != 1 && x.strides()[d] != step) return run_ref(Op::pad, dtype_of<T>, k);
    step *= x.shape()[d];
  }
  const int64_t out_row = out.shape()[last] * inner, x_run = x.shape()[last] * inner,
                before = pads[last] * inner;
  int64_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= out.shape()[d];
  const T value = static_cast<T>(k.attrs->alpha);
  const T* px = static_cast<const T*>(x.storage()->data()) + x.offset();
  T* po = out.data<T>();
  parallel_for(rows, row_grain(out_row * static_cast<int64_t>(sizeof(T))),
               [&](int64_t r0, int64_t r1) {
                 for (int64_t r = r0; r < r1; ++r) {
                   T* dst = po + r * out_row;
                   // Decode the row's index on axes < last; find x's row, if inside.
                   int64_t rem = r, src = 0;
                   bool inside = true;
                   for (int d = last - 1; d >= 0; --d) {
                     const int64_t i = rem % out.shape()[d] - pads[d];
                     rem /= out.shape()[d];
                     if (i < 0 || i >= x.shape()[d]) inside = false;
                     src += i * x.strides()[d];
                   }
                   if (!inside) {
                     std::fill(dst, dst + out_row, value);
                     continue;
                   }
                   std::fill(dst, dst + before, value);
                   std::memcpy(dst + before, px + src, static_cast<std::size_t>(x_run) * sizeof(T));
                   std::fill(dst + before + x_run, dst + out_row, value);
                 }
               });
}

// concat (see ref): out is (outer, row) with row = the joined axis and all after it; input i
// fills columns [at_i, at_i + run_i) of every row. Needs every input contiguous.
template <class T>
void concat(const KernelArgs& k) {
  const Tensor& out = k.out[0];
  const int axis = static_cast<int>(k.attrs->axis);
  for (int i = 0; i < k.n_in; ++i)
    if (!k.in[i].is_contiguous()) return run_ref(Op::concat, dtype_of<T>, k);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= out.shape()[d];
  for (int d = axis + 1; d < out.rank(); ++d) inner *= out.shape()[d];
  const int64_t row = out.shape()[axis] * inner;
  T* po = out.data<T>();
  parallel_for(outer, row_grain(row * static_cast<int64_t>(sizeof(T))),
               [&](int64_t r0, int64_t r1) {
                 for (int64_t r = r0; r < r1; ++r) {
                   int64_t at = 0;
                   for (int i = 0; i < k.n_in; ++i) {
                     const int64_t run = k.in[i].shape()[axis] * inner;
                     if (run == 0) continue;
                     const T* src = static_cast<const T*>(k.in[i].raw_data()) + r * run;
                     std::memcpy(po + r * row + at, src, static_cast<std::size_t>(run) * sizeof(T));
                     at += run;
                   }
                 }
               });
}

// copy (see ref) within one dtype into a contiguous out (clone, contiguous): a dense x is one
// memcpy; a broadcast x (expand's stride-0 axes: the scalar, row and col layouts of loops.h)
// is written run by run. Transposed layouts and dtype conversions run the ref kernel.
template <class T>
void copy(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  const int64_t n = out.numel();
  const Operand o = x.dtype() == out.dtype() && out.is_contiguous() ? classify(x) : Operand{};
  if (o.layout == Layout::other) return run_ref(Op::copy, dtype_of<T>, k);
  if (n == 0) return;
  const T* px = static_cast<const T*>(x.raw_data());
  T* po = out.data<T>();
  const int64_t inner = o.inner, rows = n / inner;
  switch (o.layout) {
    case Layout::dense:
      std::memcpy(po, px, static_cast<std::size_t>(n) * sizeof(T));
      return;
    case Layout::scalar:
      std::fill(po, po + n, *px);
      return;
    case Layout::row:  // x's `inner` elements repeated for every row
      for (int64_t r = 0; r < rows; ++r)
        std::memcpy(po + r * inner, px, static_cast<std::size_t>(inner) * sizeof(T));
      return;
    case Layout::col:  // x[r] repeated `inner` times in row r
      for (int64_t r = 0; r < rows; ++r) std::fill(po + r * inner, po + (r + 1) * inner, px[r]);
      return;
    case Layout::other:
      return;
  }
}

template <class T>
void register_dtype(KernelTable& t) {
  t.set(Op::copy, dtype_of<T>, copy<T>);
  t.set(Op::pad, dtype_of<T>, pad<T>);
  t.set(Op::concat, dtype_of<T>, concat<T>);
}

}  // namespace

void register_shape(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
  register_dtype<int32_t>(t);
  register_dtype<int64_t>(t);
  register_dtype<uint8_t>(t);
}

}  // namespace mz::cpu
