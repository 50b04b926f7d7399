// Indexing kernels as plain loops: one_hot, gather (take_along_axis and take), scatter_add
// (gather's gradient), concat and pad. Index tensors are int32, int64 or uint8.
#include <algorithm>
#include <string>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// Calls fn(I{}) with I the C++ type of an index dtype (the ops reject non-integer indices).
template <class Fn>
void visit_index(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::i32:
      fn(int32_t{});
      return;
    case DType::i64:
      fn(int64_t{});
      return;
    default:
      fn(uint8_t{});
      return;
  }
}

// Element `linear` (row-major) of `shape` as a Python tuple: "(1, 0)".
std::string position(const Shape& shape, int64_t linear) {
  Shape index = Shape::filled(shape.rank(), 0);
  for (int d = shape.rank() - 1; d >= 0; --d) {
    index[d] = linear % shape[d];
    linear /= shape[d];
  }
  return to_string(index);
}

// one_hot: in[0] = indices (any strides), out (indices..., depth) contiguous in any dtype,
// attrs.count = depth. Throws ValueError at the first index outside [0, depth).
template <class I>
void one_hot(const KernelArgs& k) {
  const Tensor &idx = k.in[0], &out = k.out[0];
  const int64_t depth = k.attrs->count;
  const I* pi = base<I>(idx);
  visit_dtype(out.dtype(), [&](auto zero) {
    using R = decltype(zero);
    R* po = out.data<R>();
    std::fill(po, po + out.numel(), R(0));
    int64_t pos = 0;
    for_each_strided<1>(
        idx.shape(), {idx.strides()}, {idx.offset()}, [&](const std::array<int64_t, 1>& o) {
          const int64_t v = static_cast<int64_t>(pi[o[0]]);
          if (v < 0 || v >= depth)
            throw ValueError(str("one_hot: index ", v, " at position ", position(idx.shape(), pos),
                                 " is out of range: expected 0 <= index < ", depth, "."));
          po[pos * depth + v] = R(1);
          ++pos;
        });
  });
}

// The index at `o` wrapped into [0, n) (NumPy's negative indices); throws ValueError (without
// a leading op name: the op adds it) when outside [-n, n).
template <class I>
int64_t checked_index(I raw, int64_t n, const Shape& shape, int64_t pos, int axis) {
  int64_t v = static_cast<int64_t>(raw);
  if (v < 0) v += n;
  if (v < 0 || v >= n)
    throw ValueError(str("index ", static_cast<int64_t>(raw), " at position ", position(shape, pos),
                         " is out of range for axis ", axis, " of size ", n, "."));
  return v;
}

// gather: in[0] = x, in[1] = index with out's shape, x with out's shape except on attrs.axis
// (any strides, 0 where broadcast); out[p] = x[p with p[axis] = index[p]], contiguous.
template <class T>
void gather(const KernelArgs& k) {
  const Tensor &x = k.in[0], &idx = k.in[1], &out = k.out[0];
  const int axis = static_cast<int>(k.attrs->axis);
  const int64_t n = x.shape()[axis], step = x.strides()[axis];
  Shape x_walk = x.strides();
  x_walk[axis] = 0;  // the axis is addressed by the index, not walked
  const T* px = base<T>(x);
  T* po = mutable_base<T>(out);
  visit_index(idx.dtype(), [&](auto zero) {
    using I = decltype(zero);
    const I* pi = base<I>(idx);
    int64_t pos = 0;
    for_each_strided<3>(out.shape(), {x_walk, idx.strides(), out.strides()},
                        {x.offset(), idx.offset(), out.offset()},
                        [&](const std::array<int64_t, 3>& o) {
                          int64_t v = checked_index(pi[o[1]], n, out.shape(), pos++, axis);
                          po[o[2]] = px[o[0] + v * step];
                        });
  });
}

// scatter_add: in[0] = g, in[1] = index (both of gather's output shape, any strides);
// out (gather's x shape) contiguous, already holding the values to add to:
// out[p with p[axis] = index[p]] += g[p], in row-major order of p.
template <class T>
void scatter_add(const KernelArgs& k) {
  const Tensor &g = k.in[0], &idx = k.in[1], &out = k.out[0];
  const int axis = static_cast<int>(k.attrs->axis);
  const int64_t n = out.shape()[axis], step = out.strides()[axis];
  Shape o_walk = out.strides();
  o_walk[axis] = 0;
  const T* pg = base<T>(g);
  T* po = mutable_base<T>(out);
  visit_index(idx.dtype(), [&](auto zero) {
    using I = decltype(zero);
    const I* pi = base<I>(idx);
    int64_t pos = 0;
    for_each_strided<3>(g.shape(), {g.strides(), idx.strides(), o_walk},
                        {g.offset(), idx.offset(), out.offset()},
                        [&](const std::array<int64_t, 3>& o) {
                          int64_t v = checked_index(pi[o[1]], n, g.shape(), pos++, axis);
                          po[o[2] + v * step] += pg[o[0]];
                        });
  });
}

// Copies x (any strides) into out (contiguous) starting at element `at` of out.
template <class T>
void copy_into(const Tensor& x, const Tensor& out, int64_t at) {
  const T* px = base<T>(x);
  T* po = mutable_base<T>(out);
  for_each_strided<2>(x.shape(), {x.strides(), out.strides()}, {x.offset(), out.offset() + at},
                      [&](const std::array<int64_t, 2>& o) { po[o[1]] = px[o[0]]; });
}

// concat: in[0..n_in) (any strides) equal but on attrs.axis; out contiguous, their join.
template <class T>
void concat(const KernelArgs& k) {
  const Tensor& out = k.out[0];
  const int axis = static_cast<int>(k.attrs->axis);
  int64_t at = 0;
  for (int i = 0; i < k.n_in; ++i) {
    copy_into<T>(k.in[i], out, at * out.strides()[axis]);
    at += k.in[i].shape()[axis];
  }
}

// pad: in[0] = x (any strides); out contiguous, x's shape grown on each axis d by
// attrs.pads[d] before (and the rest after), filled with attrs.alpha around x.
template <class T>
void pad(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  T* po = out.data<T>();
  std::fill(po, po + out.numel(), static_cast<T>(k.attrs->alpha));
  int64_t at = 0;
  for (int d = 0; d < out.rank(); ++d) at += k.attrs->pads[d] * out.strides()[d];
  copy_into<T>(x, out, at);
}

template <class T>
void register_any(KernelTable& t) {
  t.set(Op::gather, dtype_of<T>, gather<T>);
  t.set(Op::concat, dtype_of<T>, concat<T>);
  t.set(Op::pad, dtype_of<T>, pad<T>);
}

}  // namespace

void register_index(KernelTable& t) {
  register_any<float>(t);
  register_any<double>(t);
  register_any<int32_t>(t);
  register_any<int64_t>(t);
  register_any<uint8_t>(t);
  t.set(Op::scatter_add, DType::f32, scatter_add<float>);
  t.set(Op::scatter_add, DType::f64, scatter_add<double>);
  t.set(Op::one_hot, DType::i32, one_hot<int32_t>);
  t.set(Op::one_hot, DType::i64, one_hot<int64_t>);
  t.set(Op::one_hot, DType::u8, one_hot<uint8_t>);
}

}  // namespace mz::ref
