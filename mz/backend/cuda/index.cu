// Indexing kernels on the device: one_hot, gather, scatter_add, concat and pad. Index tensors
// are int32, int64 or uint8. A kernel that meets an index out of range lowers the device's
// index-error slot to that element's position; the host reads the slot after the launch (one
// small download) and throws ref's ValueError, naming the first bad position and its value.
#include <string>

#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
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

// The value of index tensor `idx` at row-major position `pos` of `shape` (idx's shape, or a
// broadcast of it with idx's strides), read back from the device.
int64_t index_at(const Tensor& idx, const Shape& shape, int64_t pos) {
  int64_t off = idx.offset();
  for (int d = shape.rank() - 1; d >= 0; --d) {
    off += (pos % shape[d]) * idx.strides()[d];
    pos /= shape[d];
  }
  int64_t value = 0;
  visit_index(idx.dtype(), [&](auto zero) {
    using I = decltype(zero);
    I v{};
    check(cudaMemcpy(&v, static_cast<const I*>(idx.storage()->data()) + off, sizeof(I),
                     cudaMemcpyDeviceToHost),
          "cuda: reading a bad index");
    value = static_cast<int64_t>(v);
  });
  return value;
}

// Throws ref's gather/scatter_add message (the op adds its name) when a kernel flagged an index.
void throw_if_bad_axis_index(DeviceContext& ctx, const Tensor& idx, const Shape& shape, int axis,
                             int64_t n) {
  const unsigned long long bad = take_index_error(ctx);
  if (bad == ~0ull) return;
  const auto pos = static_cast<int64_t>(bad);
  throw ValueError(str("index ", index_at(idx, shape, pos), " at position ", position(shape, pos),
                       " is out of range for axis ", axis, " of size ", n, "."));
}

// `raw` wrapped into [0, n) (NumPy's negative indices), or -1 when outside [-n, n).
template <class I>
__device__ __forceinline__ int64_t wrap(I raw, int64_t n) {
  int64_t v = static_cast<int64_t>(raw);
  if (v < 0) v += n;
  return v < 0 || v >= n ? -1 : v;
}

__device__ __forceinline__ void flag(unsigned long long* error, int64_t pos) {
  atomicMin(error, static_cast<unsigned long long>(pos));
}

// one_hot: pos walks idx (g: operand 0 idx); out (pos, depth) already zero.
template <class G, class I, class R>
__global__ void __launch_bounds__(kThreads)
    one_hot_kernel(G g, int64_t n, int64_t depth, const I* idx, R* out, unsigned long long* error) {
  const int64_t step = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t pos = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; pos < n;
       pos += step) {
    typename G::Index off[1];
    offsets_of(g, static_cast<typename G::Index>(pos), off);
    const int64_t v = static_cast<int64_t>(idx[off[0]]);
    if (v < 0 || v >= depth)
      flag(error, pos);
    else
      out[pos * depth + v] = R(1);
  }
}

// in[0] = indices (any strides), out (indices..., depth) contiguous in any dtype,
// attrs.count = depth.
template <class I>
void one_hot(const KernelArgs& k) {
  const Tensor &idx = k.in[0], &out = k.out[0];
  const int64_t depth = k.attrs->count, n = idx.numel();
  if (out.numel() == 0 && n == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  if (out.numel() > 0)
    check(cudaMemsetAsync(first_element<char>(out), 0, out.numel() * dtype_size(out.dtype()),
                          ctx.stream),
          "one_hot");
  if (n == 0) return;
  Geometry<1, int64_t> g = collapse<1>(idx.shape(), {&idx.strides()});
  visit_dtype(out.dtype(), [&](auto zero) {
    using R = decltype(zero);
    if (fits_int32(g))
      one_hot_kernel<<<grid_for(n, ctx), kThreads, 0, ctx.stream>>>(
          narrow<1, int32_t>(g), n, depth, first_element<const I>(idx), first_element<R>(out),
          ctx.index_error);
    else
      one_hot_kernel<<<grid_for(n, ctx), kThreads, 0, ctx.stream>>>(
          g, n, depth, first_element<const I>(idx), first_element<R>(out), ctx.index_error);
  });
  check_launch("one_hot");
  const unsigned long long bad = take_index_error(ctx);
  if (bad == ~0ull) return;
  const auto pos = static_cast<int64_t>(bad);
  throw ValueError(str("one_hot: index ", index_at(idx, idx.shape(), pos), " at position ",
                       position(idx.shape(), pos), " is out of range: expected 0 <= index < ",
                       depth, "."));
}

// gather: g walks out's shape; operands (out, x with the axis stride 0, idx).
template <class G, class T, class I>
__global__ void __launch_bounds__(kThreads)
    gather_kernel(G g, int64_t count, int64_t n, int64_t step, const T* x, const I* idx, T* out,
                  unsigned long long* error) {
  using Index = typename G::Index;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t pos = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; pos < count;
       pos += stride) {
    Index off[3];
    offsets_of(g, static_cast<Index>(pos), off);
    const int64_t v = wrap(idx[off[2]], n);
    if (v < 0)
      flag(error, pos);
    else
      out[off[0]] = x[off[1] + v * step];
  }
}

// gather: in[0] = x, in[1] = index with out's shape, x with out's shape except on attrs.axis
// (any strides, 0 where broadcast); out[p] = x[p with p[axis] = index[p]], contiguous.
template <class T>
void gather(const KernelArgs& k) {
  const Tensor &x = k.in[0], &idx = k.in[1], &out = k.out[0];
  const int64_t count = out.numel();
  if (count == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  const int axis = static_cast<int>(k.attrs->axis);
  const int64_t n = x.shape()[axis], step = x.strides()[axis];
  Shape x_walk = x.strides();
  x_walk[axis] = 0;  // the axis is addressed by the index, not walked
  Geometry<3, int64_t> g = collapse<3>(out.shape(), {&out.strides(), &x_walk, &idx.strides()});
  visit_index(idx.dtype(), [&](auto zero) {
    using I = decltype(zero);
    const T* px = first_element<const T>(x);
    const I* pi = first_element<const I>(idx);
    T* po = first_element<T>(out);
    if (fits_int32(g) && (n - 1) * step <= INT32_MAX)
      gather_kernel<<<grid_for(count, ctx), kThreads, 0, ctx.stream>>>(
          narrow<3, int32_t>(g), count, n, step, px, pi, po, ctx.index_error);
    else
      gather_kernel<<<grid_for(count, ctx), kThreads, 0, ctx.stream>>>(g, count, n, step, px, pi,
                                                                       po, ctx.index_error);
  });
  check_launch("gather");
  throw_if_bad_axis_index(ctx, idx, out.shape(), axis, n);
}

// scatter_add with atomics: g walks the gradient's shape; operands (grad, idx, out with the
// axis stride 0).
template <class G, class T, class I>
__global__ void __launch_bounds__(kThreads)
    scatter_add_atomic(G g, int64_t count, int64_t n, int64_t step, const T* grad, const I* idx,
                       T* out, unsigned long long* error) {
  using Index = typename G::Index;
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t pos = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; pos < count;
       pos += stride) {
    Index off[3];
    offsets_of(g, static_cast<Index>(pos), off);
    const int64_t v = wrap(idx[off[1]], n);
    if (v < 0)
      flag(error, pos);
    else
      atomicAdd(out + off[2] + v * step, grad[off[0]]);
  }
}

// Plain dimensions for kernels (Shape's accessors are host code).
struct Dims {
  int rank = 0;
  int64_t size[kMaxRank] = {};
};

Dims dims_of(const Shape& s) {
  Dims d;
  d.rank = s.rank();
  for (int i = 0; i < s.rank(); ++i) d.size[i] = s[i];
  return d;
}

// scatter_add owner-computes: one thread per out element q walks the kk gradient elements that
// share q's other coordinates, in order, adding those whose index is q's coordinate on the axis
// (ref's sums in ref's order). g walks out's shape; operands (out, grad and idx with the axis
// stride 0). A bad index is flagged, at its gradient position, by the thread at coordinate 0.
template <class G, class T, class I>
__global__ void __launch_bounds__(kThreads)
    scatter_add_owner(G g, Dims out_dims, Dims grad_dims, int axis, int64_t count, int64_t out_step,
                      int64_t grad_step, int64_t idx_step, const T* grad, const I* idx, T* out,
                      unsigned long long* error) {
  using Index = typename G::Index;
  const int64_t n = out_dims.size[axis], kk = grad_dims.size[axis];
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t q = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; q < count;
       q += stride) {
    Index off[3];
    offsets_of(g, static_cast<Index>(q), off);
    const int64_t mine = (q / out_step) % n;  // out is contiguous
    T acc = out[off[0]];
    for (int64_t k = 0; k < kk; ++k) {
      const int64_t v = wrap(idx[off[2] + k * idx_step], n);
      if (v == mine) acc += grad[off[1] + k * grad_step];
      if (v >= 0 || mine != 0) continue;
      int64_t coord[kMaxRank], rest = q, pos = 0;
      for (int d = out_dims.rank - 1; d >= 0; --d) {
        coord[d] = rest % out_dims.size[d];
        rest /= out_dims.size[d];
      }
      coord[axis] = k;
      for (int d = 0; d < grad_dims.rank; ++d) pos = pos * grad_dims.size[d] + coord[d];
      flag(error, pos);
    }
    out[off[0]] = acc;
  }
}

// scatter_add: in[0] = grad, in[1] = index (both of gather's output shape, any strides); out
// (gather's x shape) contiguous, already holding the values to add to:
// out[p with p[axis] = index[p]] += grad[p]. Axes up to 64 long (or MEREZHA_CUDA_DETERMINISTIC):
// owner-computes, bit-identical to ref's order; longer: atomics.
template <class T>
void scatter_add(const KernelArgs& k) {
  const Tensor &grad = k.in[0], &idx = k.in[1], &out = k.out[0];
  if (grad.numel() == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  const int axis = static_cast<int>(k.attrs->axis);
  const int64_t n = out.shape()[axis], step = out.strides()[axis];
  visit_index(idx.dtype(), [&](auto zero) {
    using I = decltype(zero);
    const T* pg = first_element<const T>(grad);
    const I* pi = first_element<const I>(idx);
    T* po = first_element<T>(out);
    if (n <= 64 || deterministic()) {
      Shape g_walk = grad.strides(), i_walk = idx.strides();
      g_walk[axis] = 0;
      i_walk[axis] = 0;
      const int64_t count = out.numel();
      Geometry<3, int64_t> g = collapse<3>(out.shape(), {&out.strides(), &g_walk, &i_walk});
      scatter_add_owner<<<grid_for(count, ctx), kThreads, 0, ctx.stream>>>(
          g, dims_of(out.shape()), dims_of(grad.shape()), axis, count, step, grad.strides()[axis],
          idx.strides()[axis], pg, pi, po, ctx.index_error);
    } else {
      Shape o_walk = out.strides();
      o_walk[axis] = 0;
      const int64_t count = grad.numel();
      Geometry<3, int64_t> g =
          collapse<3>(grad.shape(), {&grad.strides(), &idx.strides(), &o_walk});
      if (fits_int32(g))
        scatter_add_atomic<<<grid_for(count, ctx), kThreads, 0, ctx.stream>>>(
            narrow<3, int32_t>(g), count, n, step, pg, pi, po, ctx.index_error);
      else
        scatter_add_atomic<<<grid_for(count, ctx), kThreads, 0, ctx.stream>>>(
            g, count, n, step, pg, pi, po, ctx.index_error);
    }
  });
  check_launch("scatter_add");
  throw_if_bad_axis_index(ctx, idx, grad.shape(), axis, n);
}

struct Identity {
  template <class T>
  __device__ T operator()(T v) const {
    return v;
  }
};

template <class T>
struct Constant {
  T value;
  __device__ T operator()() const { return value; }
};

// Copies x (any strides) into out (contiguous) starting at element `at` of out.
template <class T>
void copy_into(const Tensor& x, const Tensor& out, int64_t at) {
  Tensor view = Tensor::view_of(out.storage(), x.shape(), out.strides(), out.offset() + at,
                                out.dtype(), out.device());
  map<T, T>(Identity{}, view, {&x});
}

// concat: in[0..n_in) (any strides) equal but on attrs.axis; out contiguous, their join.
template <class T>
void concat(const KernelArgs& k) {
  const Tensor& out = k.out[0];
  const int axis = static_cast<int>(k.attrs->axis);
  int64_t at = 0;
  for (int i = 0; i < k.n_in; ++i) {
    if (k.in[i].numel() > 0) copy_into<T>(k.in[i], out, at * out.strides()[axis]);
    at += k.in[i].shape()[axis];
  }
}

// pad: in[0] = x (any strides); out contiguous, x's shape grown on each axis d by
// attrs.pads[d] before (and the rest after), filled with attrs.alpha around x.
template <class T>
void pad(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  map<T>(Constant<T>{static_cast<T>(k.attrs->alpha)}, out, {});
  if (x.numel() == 0) return;
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

}  // namespace mz::cuda
