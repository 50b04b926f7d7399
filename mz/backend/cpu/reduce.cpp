// Fast sum, mean, max and min (float32, float64) over a contiguous input whose reduced axes
// collapse to one block: x viewed as (outer, reduce, inner). Work is cut into blocks whose
// bounds depend only on the shape, and block results are merged in a fixed order, so 1 and N
// threads give bitwise-identical results. Sums accumulate in double, as ref does; other
// layouts, the integer dtypes and argmax/argmin run the ref kernels.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "mz/backend/cpu/loops.h"
#include "mz/backend/cpu/register.h"

namespace mz::cpu {
namespace {

// Elements per block along a reduced row (inner == 1): the unit of work and of merging.
constexpr int64_t kRowBlock = 8192;
// Columns per task when reducing over rows of a (reduce, inner) block (inner > 1), and the
// fewest rows per block there.
constexpr int64_t kColChunk = 512;
constexpr int64_t kMinRows = 64;
// Independent accumulators along a row: enough vector registers to hide the add latency.
constexpr int kLanes = 32;

// sum and mean: double accumulators; mean divides by the count at the end.
template <class T, bool kMean>
struct SumOp {
  using Acc = double;
  static Acc init() { return 0.0; }
  static Acc add(Acc a, T v) { return a + static_cast<Acc>(v); }
  static Acc merge(Acc a, Acc b) { return a + b; }
  static T finish(Acc a, int64_t count) {
    return static_cast<T>(kMean ? a / static_cast<double>(count) : a);
  }
};

// max and min: NaN wins (once the accumulator is NaN it stays NaN).
template <class T, bool kMax>
struct ExtremumOp {
  using Acc = T;
  static Acc init() {
    return kMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
  }
  static Acc add(Acc a, T v) { return ((kMax ? v > a : v < a) || v != v) ? v : a; }
  static Acc merge(Acc a, Acc b) { return add(a, b); }
  static T finish(Acc a, int64_t) { return a; }
};

// x as (outer, reduce, inner): the reduced axes of x (those of size 1 in out, the keepdims
// shape) must be adjacent once size-1 axes are ignored; false otherwise.
bool collapse(const Tensor& x, const Tensor& out, int64_t& outer, int64_t& reduce, int64_t& inner) {
  outer = reduce = inner = 1;
  int phase = 0;  // 0: outer kept axes, 1: reduced axes, 2: inner kept axes
  for (int i = 0; i < x.rank(); ++i) {
    const int64_t s = x.shape()[i];
    if (s == 1) continue;
    if (out.shape()[i] == 1) {
      if (phase == 2) return false;
      phase = 1;
      reduce *= s;
    } else if (phase == 0) {
      outer *= s;
    } else {
      phase = 2;
      inner *= s;
    }
  }
  return true;
}

// Runs f(t) for t in [0, tasks), threaded when the total work (tasks * elements per task)
// is worth it. Each task's result depends only on t.
template <class F>
void parallel_tasks(int64_t tasks, int64_t task_elems, F f) {
  if (tasks * task_elems < 2 * kGrain || tasks == 1 || num_threads() == 1) {
    for (int64_t t = 0; t < tasks; ++t) f(t);
    return;
  }
  parallel_for(tasks, std::max<int64_t>(1, kGrain / std::max<int64_t>(task_elems, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t t = b; t < e; ++t) f(t);
               });
}

// One contiguous run x[0..n): kLanes strided partial results (vectorised), folded pairwise,
// then the tail; the order is fixed by n alone.
template <class R, class T>
typename R::Acc reduce_run(const T* x, int64_t n) {
  using Acc = typename R::Acc;
  Acc lane[kLanes];
  for (int j = 0; j < kLanes; ++j) lane[j] = R::init();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) lane[j] = R::add(lane[j], x[i + j]);
  for (int w = kLanes / 2; w >= 1; w /= 2)
    for (int j = 0; j < w; ++j) lane[j] = R::merge(lane[j], lane[j + w]);
  Acc acc = lane[0];
  for (; i < n; ++i) acc = R::add(acc, x[i]);
  return acc;
}

// inner == 1: each of `outer` rows of `n` elements reduces to one value; rows longer than a
// block are cut into kRowBlock blocks whose results merge in order.
template <class R, class T>
void reduce_rows(const T* x, T* out, int64_t outer, int64_t n) {
  using Acc = typename R::Acc;
  const int64_t blocks = std::max<int64_t>(1, (n + kRowBlock - 1) / kRowBlock);
  if (blocks == 1) {
    parallel_tasks(outer, n,
                   [&](int64_t o) { out[o] = R::finish(reduce_run<R>(x + o * n, n), n); });
    return;
  }
  std::vector<Acc> part(static_cast<std::size_t>(outer * blocks));
  parallel_tasks(outer * blocks, kRowBlock, [&](int64_t t) {
    const int64_t o = t / blocks, b = t % blocks, start = b * kRowBlock;
    part[t] = reduce_run<R>(x + o * n + start, std::min(kRowBlock, n - start));
  });
  for (int64_t o = 0; o < outer; ++o) {
    Acc acc = part[o * blocks];
    for (int64_t b = 1; b < blocks; ++b) acc = R::merge(acc, part[o * blocks + b]);
    out[o] = R::finish(acc, n);
  }
}

// acc[0..W) = reduce over `rows` rows (ld apart) of columns [0, W) of x, each column in row
// order; W is fixed so the accumulators stay in registers.
template <int W, class R, class T>
void add_rows(const T* x, int64_t ld, int64_t rows, typename R::Acc* acc) {
  typename R::Acc a[W];
  for (int i = 0; i < W; ++i) a[i] = R::init();
  for (int64_t r = 0; r < rows; ++r)
    for (int i = 0; i < W; ++i) a[i] = R::add(a[i], x[r * ld + i]);
  for (int i = 0; i < W; ++i) acc[i] = a[i];
}

// inner > 1: out[o, i] = reduce over r of x[o, r, i]. Each task accumulates a block of rows
// for a chunk of columns (vectorised across columns); row blocks merge in order.
template <class R, class T>
void reduce_cols(const T* x, T* out, int64_t outer, int64_t n, int64_t inner) {
  using Acc = typename R::Acc;
  const int64_t rows = std::max<int64_t>(kMinRows, kRowBlock / inner);
  const int64_t row_blocks = (n + rows - 1) / rows;
  const int64_t chunks = (inner + kColChunk - 1) / kColChunk;
  std::vector<Acc> part;
  if (row_blocks > 1) part.resize(static_cast<std::size_t>(outer * row_blocks * inner));
  parallel_tasks(outer * row_blocks * chunks, rows * std::min(inner, kColChunk), [&](int64_t t) {
    const int64_t c = t % chunks, rb = (t / chunks) % row_blocks, o = t / (chunks * row_blocks);
    const int64_t c0 = c * kColChunk, len = std::min(kColChunk, inner - c0);
    const int64_t r0 = rb * rows, r1 = std::min(n, r0 + rows);
    Acc acc[kColChunk];
    const T* first = x + (o * n + r0) * inner + c0;
    int64_t i = 0;
    for (; i + 16 <= len; i += 16) add_rows<16, R>(first + i, inner, r1 - r0, acc + i);
    for (; i + 4 <= len; i += 4) add_rows<4, R>(first + i, inner, r1 - r0, acc + i);
    for (; i < len; ++i) add_rows<1, R>(first + i, inner, r1 - r0, acc + i);
    if (row_blocks == 1) {
      for (int64_t i = 0; i < len; ++i) out[o * inner + c0 + i] = R::finish(acc[i], n);
    } else {
      Acc* dst = part.data() + (o * row_blocks + rb) * inner + c0;
      for (int64_t i = 0; i < len; ++i) dst[i] = acc[i];
    }
  });
  if (row_blocks == 1) return;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      Acc acc = part[(o * row_blocks) * inner + i];
      for (int64_t rb = 1; rb < row_blocks; ++rb)
        acc = R::merge(acc, part[(o * row_blocks + rb) * inner + i]);
      out[o * inner + i] = R::finish(acc, n);
    }
  }
}

// in[0] = x (any strides), out = the keepdims-shaped result (contiguous).
template <Op kOp, class R, class T>
void reduce(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  int64_t outer, n, inner;
  if (!x.is_contiguous() || x.numel() == 0 || out.numel() == 0 ||
      !collapse(x, out, outer, n, inner))
    return run_ref(kOp, dtype_of<T>, k);
  const T* px = static_cast<const T*>(x.raw_data());
  T* po = static_cast<T*>(out.raw_data());
  if (inner == 1)
    reduce_rows<R>(px, po, outer, n);
  else
    reduce_cols<R>(px, po, outer, n, inner);
}

template <class T>
void register_dtype(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::sum, d, reduce<Op::sum, SumOp<T, false>, T>);
  t.set(Op::mean, d, reduce<Op::mean, SumOp<T, true>, T>);
  t.set(Op::max, d, reduce<Op::max, ExtremumOp<T, true>, T>);
  t.set(Op::min, d, reduce<Op::min, ExtremumOp<T, false>, T>);
}

}  // namespace

void register_reduce(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cpu
