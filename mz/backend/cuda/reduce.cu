// Reductions on the device over any set of axes. x (any strides) is seen as O outputs (the kept
// axes, in order: out's row-major index) by R reduced elements (the reduced axes, collapsed).
// Reduced elements contiguous (stride 1): a warp or a block per output reads them coalesced;
// otherwise one thread per output walks them while neighbouring threads read neighbouring
// outputs. Long reductions are cut into C chunks whose partials a second pass merges in order,
// so every result is the same, bit for bit, on every run. Floating sums accumulate in double
// (as ref), integer sums in int64.
#include <limits>
#include <optional>
#include <type_traits>

#include "mz/backend/cuda/allocator.h"
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

template <class T>
using SumAcc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <class T>
struct SumOp {
  using Acc = SumAcc<T>;
  __device__ Acc init() const { return Acc(0); }
  __device__ Acc step(Acc a, T v) const { return a + static_cast<Acc>(v); }
  __device__ Acc merge(Acc a, Acc b) const { return a + b; }
  __device__ T finish(Acc a) const { return static_cast<T>(a); }
};

template <class T>
struct MeanOp {
  using Acc = double;
  double count;  // reduced elements per output
  __device__ Acc init() const { return 0.0; }
  __device__ Acc step(Acc a, T v) const { return a + static_cast<Acc>(v); }
  __device__ Acc merge(Acc a, Acc b) const { return a + b; }
  __device__ T finish(Acc a) const { return static_cast<T>(a / count); }
};

// max/min with NaN propagation; `start` is -inf/+inf (floating) or the type's extreme.
template <class T, bool kMax>
struct ExtremumOp {
  using Acc = T;
  T start;
  __device__ Acc init() const { return start; }
  __device__ Acc step(Acc a, T v) const {
    if (a != a || v != v) return a != a ? a : v;
    return kMax ? (v > a ? v : a) : (v < a ? v : a);
  }
  __device__ Acc merge(Acc a, Acc b) const { return step(a, b); }
  __device__ T finish(Acc a) const { return a; }
};

template <class T>
__device__ __forceinline__ T shuffle_down(T v, int delta) {
  if constexpr (sizeof(T) < 4)
    return static_cast<T>(__shfl_down_sync(0xffffffffu, static_cast<int>(v), delta));
  else
    return __shfl_down_sync(0xffffffffu, v, delta);
}

// Offset of reduced element r: one multiply when the reduced axes collapsed to one.
template <class I>
__device__ __forceinline__ I reduced_offset(const Geometry<1, I>& red, I r) {
  if (red.rank <= 1) return red.rank == 0 ? I(0) : r * red.stride[0][0];
  I off[1];
  offsets_of(red, r, off);
  return off[0];
}

// One group = (output o, chunk c) handled by kLanes threads: each lane folds its share of the
// chunk, the lanes merge in a fixed tree, lane 0 writes out[o] (C == 1) or partial[o * C + c].
template <int kLanes, class I, class Op, class T>
__global__ void __launch_bounds__(kThreads)
    reduce_groups(Op op, Geometry<1, I> kept, Geometry<1, I> red, int64_t groups, int64_t C,
                  int64_t R, int64_t chunk, const T* x, typename Op::Acc* partial, T* out) {
  using Acc = typename Op::Acc;
  constexpr int kGroupsPerBlock = kThreads / kLanes;
  const int lane = static_cast<int>(threadIdx.x) % kLanes;
  const int64_t group = static_cast<int64_t>(blockIdx.x) * kGroupsPerBlock + threadIdx.x / kLanes;
  Acc a = op.init();
  if (group < groups) {
    const int64_t o = group / C, c = group % C;
    I base[1];
    offsets_of(kept, static_cast<I>(o), base);
    const int64_t r1 = std::min(R, (c + 1) * chunk);
    for (int64_t r = c * chunk + lane; r < r1; r += kLanes)
      a = op.step(a, x[base[0] + reduced_offset(red, static_cast<I>(r))]);
  }
  if constexpr (kLanes >= 32) {
#pragma unroll
    for (int d = 16; d > 0; d /= 2) a = op.merge(a, shuffle_down(a, d));
  }
  if constexpr (kLanes > 32) {
    __shared__ Acc warp_acc[kLanes / 32];
    if (lane % 32 == 0) warp_acc[lane / 32] = a;
    __syncthreads();
    if (lane == 0)
      for (int w = 1; w < kLanes / 32; ++w) a = op.merge(a, warp_acc[w]);
  }
  if (lane != 0 || group >= groups) return;
  if (C == 1)
    out[group] = op.finish(a);
  else
    partial[group] = a;
}

// out[o] = finish(merge of partial[o * C + c] over c, in order).
template <class Op, class T>
__global__ void __launch_bounds__(kThreads)
    reduce_partials(Op op, int64_t O, int64_t C, const typename Op::Acc* partial, T* out) {
  const int64_t o = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (o >= O) return;
  typename Op::Acc a = partial[o * C];
  for (int64_t c = 1; c < C; ++c) a = op.merge(a, partial[o * C + c]);
  out[o] = op.finish(a);
}

// x's axes split into kept (out has them) and reduced (out has 1 there, x more), collapsed.
struct Split {
  Geometry<1, int64_t> kept, red;
  int64_t O = 1, R = 1;
};

Split split_axes(const Tensor& x, const Tensor& out) {
  Shape kept_shape, kept_strides, red_shape, red_strides;
  for (int i = 0; i < x.rank(); ++i) {
    if (x.shape()[i] == 1) continue;
    if (out.shape()[i] == 1) {
      red_shape.push_back(x.shape()[i]);
      red_strides.push_back(x.strides()[i]);
    } else {
      kept_shape.push_back(x.shape()[i]);
      kept_strides.push_back(x.strides()[i]);
    }
  }
  Split s;
  s.kept = collapse<1>(kept_shape, {&kept_strides});
  s.red = collapse<1>(red_shape, {&red_strides});
  s.O = kept_shape.numel();
  s.R = red_shape.numel();
  return s;
}

template <int kLanes, class I, class Op, class T>
void launch_groups(const DeviceContext& ctx, Op op, const Split& s, int64_t C, int64_t chunk,
                   const T* x, typename Op::Acc* partial, T* out) {
  constexpr int kGroupsPerBlock = kThreads / kLanes;
  const int64_t groups = s.O * C;
  const auto blocks = static_cast<unsigned>((groups + kGroupsPerBlock - 1) / kGroupsPerBlock);
  reduce_groups<kLanes, I><<<blocks, kThreads, 0, ctx.stream>>>(
      op, narrow<1, I>(s.kept), narrow<1, I>(s.red), groups, C, s.R, chunk, x, partial, out);
}

// Runs op over x (in[0], any strides) into out (contiguous, x's rank, 1 on reduced axes).
template <class T, class Op>
void reduce(const KernelArgs& k, Op op) {
  using Acc = typename Op::Acc;
  const Tensor &x = k.in[0], &out = k.out[0];
  if (out.numel() == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  const Split s = split_axes(x, out);
  const bool rows = s.red.rank > 0 && s.red.stride[0][s.red.rank - 1] == 1 && s.R >= 32;
  const int lanes = !rows ? 1 : (s.R >= 8192 ? 256 : 32);
  // Chunks: one when each lane has at most 64 elements; else enough for ~2^18 threads, with
  // at least 16 elements per lane. Fixed by the shapes alone, so results never vary.
  int64_t C = 1;
  if (s.R > int64_t{lanes} * 64) {
    const int64_t by_work = (s.R + int64_t{lanes} * 16 - 1) / (int64_t{lanes} * 16);
    const int64_t by_threads = std::max<int64_t>(1, (int64_t{1} << 18) / (s.O * lanes));
    C = std::max<int64_t>(1, std::min(by_work, by_threads));
  }
  const int64_t chunk = std::max<int64_t>(1, (s.R + C - 1) / C);
  C = std::max<int64_t>(1, (s.R + chunk - 1) / chunk);
  std::optional<Scratch> partial;
  if (C > 1) partial.emplace(out.device().index, static_cast<std::size_t>(s.O * C) * sizeof(Acc));
  Acc* pp = partial ? static_cast<Acc*>(partial->data()) : nullptr;
  const T* px = first_element<const T>(x);
  T* po = first_element<T>(out);
  int64_t reach = 0;  // the furthest element of x from its first
  for (int d = 0; d < s.kept.rank; ++d) reach += (s.kept.size[d] - 1) * s.kept.stride[0][d];
  for (int d = 0; d < s.red.rank; ++d) reach += (s.red.size[d] - 1) * s.red.stride[0][d];
  const bool small = reach <= INT32_MAX && s.O * C <= INT32_MAX && s.R <= INT32_MAX;
  auto run = [&](auto lanes_tag) {
    constexpr int kL = decltype(lanes_tag)::value;
    if (small)
      launch_groups<kL, int32_t>(ctx, op, s, C, chunk, px, pp, po);
    else
      launch_groups<kL, int64_t>(ctx, op, s, C, chunk, px, pp, po);
  };
  if (lanes == 1)
    run(std::integral_constant<int, 1>{});
  else if (lanes == 32)
    run(std::integral_constant<int, 32>{});
  else
    run(std::integral_constant<int, 256>{});
  check_launch("cuda: reduction");
  if (C > 1) {
    reduce_partials<<<static_cast<unsigned>((s.O + kThreads - 1) / kThreads), kThreads, 0,
                      ctx.stream>>>(op, s.O, C, pp, po);
    check_launch("cuda: reduction (partials)");
  }
}

template <class T>
void sum(const KernelArgs& k) {
  reduce<T>(k, SumOp<T>{});
}

template <class T>
void mean(const KernelArgs& k) {
  const double count =
      static_cast<double>(k.in[0].numel()) / std::max<int64_t>(k.out[0].numel(), 1);
  reduce<T>(k, MeanOp<T>{count});
}

template <class T, bool kMax>
void extremum(const KernelArgs& k) {
  T start = kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
  if constexpr (std::is_floating_point_v<T>)
    start = kMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
  reduce<T>(k, ExtremumOp<T, kMax>{start});
}

// argmax/argmin along one axis: thread per output; the first extreme index wins and a NaN
// counts as the extreme (the walk stops there), as ref.
template <class I, class T, bool kMax>
__global__ void __launch_bounds__(kThreads)
    arg_extremum_kernel(Geometry<1, I> outer, int64_t O, int64_t n, int64_t step, const T* x,
                        int64_t* out) {
  const int64_t o = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (o >= O) return;
  I base[1];
  offsets_of(outer, static_cast<I>(o), base);
  const T* p = x + base[0];
  int64_t best = 0;
  T bv = p[0];
  for (int64_t j = 1; j < n && bv == bv; ++j) {
    const T v = p[j * step];
    if (v != v || (kMax ? v > bv : v < bv)) {
      best = j;
      bv = v;
    }
  }
  out[o] = best;
}

// in[0] = x (any strides), attrs.axis; out int64, x's shape with 1 on the axis.
template <class T, bool kMax>
void arg_extremum(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  const int64_t O = out.numel();
  if (O == 0) return;
  DeviceContext& ctx = activate(out.device().index);
  const int axis = static_cast<int>(k.attrs->axis);
  const int64_t n = x.shape()[axis], step = x.strides()[axis];
  Geometry<1, int64_t> outer = collapse<1>(out.shape(), {&x.strides()});
  const auto blocks = static_cast<unsigned>((O + kThreads - 1) / kThreads);
  if (fits_int32(outer))
    arg_extremum_kernel<int32_t, T, kMax><<<blocks, kThreads, 0, ctx.stream>>>(
        narrow<1, int32_t>(outer), O, n, step, first_element<const T>(x),
        first_element<int64_t>(out));
  else
    arg_extremum_kernel<int64_t, T, kMax><<<blocks, kThreads, 0, ctx.stream>>>(
        outer, O, n, step, first_element<const T>(x), first_element<int64_t>(out));
  check_launch(kMax ? "argmax" : "argmin");
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

}  // namespace mz::cuda
