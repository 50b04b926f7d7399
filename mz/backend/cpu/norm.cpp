// Batch norm and layer norm on the cpu, forward and backward, float32 and float64; inputs are
// contiguous (the ops make them so). Statistics accumulate in double. Work is cut into blocks
// of rows whose bounds depend only on the shape, and block partials merge in block order, so
// 1 and N threads give bitwise-identical results.
//   batch norm:  x (M, C), channels last. Pass 1 sums (x - shift) and its square per channel,
//                block by block (vectorised across channels); pass 2 normalises row by row.
//   layer norm:  x (M, N), one row per position: rows are independent (threaded over rows);
//                the backward's dgamma and dbeta sum over rows in block partials.
#include <algorithm>
#include <cmath>
#include <vector>

#include "mz/backend/cpu/loops.h"
#include "mz/backend/cpu/register.h"

namespace mz::cpu {
namespace {

// Elements per block of rows (the unit of threaded work), and the most blocks a matrix is cut
// into (bounding the partial sums kept: kMaxBlocks rows of C or N doubles).
constexpr int64_t kBlockElems = 16384;
constexpr int64_t kMaxBlocks = 64;
// Columns of batch norm's statistics per task: a chunk's accumulators stay in registers / L1.
constexpr int64_t kColChunk = 256;
// Independent accumulators along a layer-norm row (vectorised double sums).
constexpr int kLanes = 8;

// Rows of an (m, width) matrix in blocks: rows per block and the block count, from the shape.
struct RowBlocks {
  int64_t rows = 1, count = 0, m = 0;
  RowBlocks(int64_t m_, int64_t width) : m(m_) {
    const int64_t by_size = std::max<int64_t>(1, kBlockElems / std::max<int64_t>(width, 1));
    rows = std::max(by_size, (m + kMaxBlocks - 1) / kMaxBlocks);
    count = (m + rows - 1) / rows;
  }
  int64_t begin(int64_t b) const { return b * rows; }
  int64_t end(int64_t b) const { return std::min(m, (b + 1) * rows); }
};

// Runs f(t) for t in [0, tasks), over the pool when the work (tasks * task_elems) is worth it.
// Each task's result depends only on t, so the thread count never changes the bits.
template <class F>
void run_tasks(int64_t tasks, int64_t task_elems, F&& f) {
  if (tasks <= 1 || tasks * task_elems < 2 * kGrain || num_threads() == 1) {
    for (int64_t t = 0; t < tasks; ++t) f(t);
    return;
  }
  parallel_for(tasks, std::max<int64_t>(1, kGrain / std::max<int64_t>(task_elems, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t t = b; t < e; ++t) f(t);
               });
}

// ----- batch norm -----

// Per-channel sums over the rows of an (m, c) matrix, in blocks: for each block b and channel
// j, part_a[b * c + j] and part_b[b * c + j] get sum_rows fa(row, j) and fb(row, j) (double).
// `acc(row pointer, chunk start, len, a, b)` adds one row's chunk into the accumulators.
template <class Acc>
void column_sums(int64_t m, int64_t c, const RowBlocks& blocks, std::vector<double>& part_a,
                 std::vector<double>& part_b, Acc acc) {
  const int64_t chunks = (c + kColChunk - 1) / kColChunk;
  part_a.assign(static_cast<std::size_t>(blocks.count * c), 0.0);
  part_b.assign(static_cast<std::size_t>(blocks.count * c), 0.0);
  run_tasks(blocks.count * chunks, blocks.rows * std::min(c, kColChunk), [&](int64_t t) {
    const int64_t b = t / chunks, c0 = (t % chunks) * kColChunk;
    const int64_t len = std::min(kColChunk, c - c0);
    double sa[kColChunk] = {}, sb[kColChunk] = {};
    for (int64_t r = blocks.begin(b); r < blocks.end(b); ++r) acc(r, c0, len, sa, sb);
    std::copy(sa, sa + len, part_a.begin() + b * c + c0);
    std::copy(sb, sb + len, part_b.begin() + b * c + c0);
  });
}

// Sum over blocks, in block order, of part[b * c + j].
double merged(const std::vector<double>& part, int64_t blocks, int64_t c, int64_t j) {
  double s = 0.0;
  for (int64_t b = 0; b < blocks; ++b) s += part[static_cast<std::size_t>(b * c + j)];
  return s;
}

// in = {x (M, C), gamma (C,), beta (C,)}, out = {y (M, C), mean (C,), var (C,)}, attrs.alpha =
// epsilon. Pass 1 sums d = x - x[0, c] and d * d per channel (shifting by a sample keeps
// E[d^2] - E[d]^2 accurate when the mean is large); pass 2: y = (x - mean) * a + beta with
// a = gamma / sqrt(var + eps).
template <class T>
void batch_norm(const KernelArgs& k) {
  const Tensor& x = k.in[0];
  const int64_t c = x.shape().back(), m = x.numel() / c;
  const T *px = x.data<T>(), *gamma = k.in[1].data<T>(), *beta = k.in[2].data<T>();
  T *py = k.out[0].data<T>(), *mean = k.out[1].data<T>(), *var = k.out[2].data<T>();
  const double eps = k.attrs->alpha;
  const RowBlocks blocks(m, c);
  std::vector<double> shift(px, px + c), part_s, part_q;
  const double* sh = shift.data();
  column_sums(m, c, blocks, part_s, part_q,
              [px, sh, c](int64_t r, int64_t c0, int64_t len, double* s, double* q) {
                const T* row = px + r * c + c0;
                const double* h = sh + c0;
                for (int64_t i = 0; i < len; ++i) {
                  const double d = static_cast<double>(row[i]) - h[i];
                  s[i] += d;
                  q[i] += d * d;
                }
              });
  std::vector<T> mu(static_cast<std::size_t>(c)), scale(static_cast<std::size_t>(c));
  const double inv_m = 1.0 / static_cast<double>(m);
  for (int64_t j = 0; j < c; ++j) {
    const double ds = merged(part_s, blocks.count, c, j) * inv_m;
    const double v = std::max(0.0, merged(part_q, blocks.count, c, j) * inv_m - ds * ds);
    mean[j] = mu[j] = static_cast<T>(sh[j] + ds);
    var[j] = static_cast<T>(v);
    scale[j] = static_cast<T>(static_cast<double>(gamma[j]) / std::sqrt(v + eps));
  }
  const T *pm = mu.data(), *pa = scale.data();
  run_tasks(blocks.count, blocks.rows * c, [&](int64_t b) {
    for (int64_t r = blocks.begin(b); r < blocks.end(b); ++r) {
      const T* xr = px + r * c;
      T* yr = py + r * c;
      for (int64_t j = 0; j < c; ++j) yr[j] = (xr[j] - pm[j]) * pa[j] + beta[j];
    }
  });
}

// in = {dy (M, C), x (M, C), mean (C,), var (C,), gamma (C,)}, out = {dx (M, C), dgamma (C,),
// dbeta (C,)}. Pass 1 sums dy and dy * (x - mean) per channel; pass 2:
// dx = k1 * (dy - m1 - (x - mean) * m2), k1 = gamma * rstd, m1 = dbeta / M,
// m2 = sum(dy * (x - mean)) * rstd^2 / M.
template <class T>
void batch_norm_grad(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &x = k.in[1];
  const int64_t c = x.shape().back(), m = x.numel() / c;
  const T *pdy = dy.data<T>(), *px = x.data<T>(), *mean = k.in[2].data<T>(),
          *var = k.in[3].data<T>(), *gamma = k.in[4].data<T>();
  T *dx = k.out[0].data<T>(), *dgamma = k.out[1].data<T>(), *dbeta = k.out[2].data<T>();
  const double eps = k.attrs->alpha, inv_m = 1.0 / static_cast<double>(m);
  const RowBlocks blocks(m, c);
  std::vector<double> mu(mean, mean + c), part_s, part_p;
  const double* pmu = mu.data();
  column_sums(m, c, blocks, part_s, part_p,
              [pdy, px, pmu, c](int64_t r, int64_t c0, int64_t len, double* s, double* p) {
                const T *g = pdy + r * c + c0, *xr = px + r * c + c0;
                const double* h = pmu + c0;
                for (int64_t i = 0; i < len; ++i) {
                  const double gi = static_cast<double>(g[i]);
                  s[i] += gi;
                  p[i] += gi * (static_cast<double>(xr[i]) - h[i]);
                }
              });
  std::vector<T> k1(static_cast<std::size_t>(c)), m1(k1), m2(k1), mt(k1);
  for (int64_t j = 0; j < c; ++j) {
    const double rstd = 1.0 / std::sqrt(static_cast<double>(var[j]) + eps);
    const double s = merged(part_s, blocks.count, c, j), p = merged(part_p, blocks.count, c, j);
    dbeta[j] = static_cast<T>(s);
    dgamma[j] = static_cast<T>(p * rstd);
    k1[j] = static_cast<T>(gamma[j] * rstd);
    m1[j] = static_cast<T>(s * inv_m);
    m2[j] = static_cast<T>(p * rstd * rstd * inv_m);
    mt[j] = mean[j];
  }
  const T *a = k1.data(), *b1 = m1.data(), *b2 = m2.data(), *pm = mt.data();
  run_tasks(blocks.count, blocks.rows * c, [&](int64_t b) {
    for (int64_t r = blocks.begin(b); r < blocks.end(b); ++r) {
      const T *g = pdy + r * c, *xr = px + r * c;
      T* o = dx + r * c;
      for (int64_t j = 0; j < c; ++j) o[j] = a[j] * (g[j] - b1[j] - (xr[j] - pm[j]) * b2[j]);
    }
  });
}

// ----- layer norm -----

// sum_j f(j) over [0, n) in kLanes double lanes, folded in a fixed order.
template <class F>
double lane_sum(int64_t n, F f) {
  double lane[kLanes] = {};
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int l = 0; l < kLanes; ++l) lane[l] += f(j + l);
  double s = 0.0;
  for (; j < n; ++j) s += f(j);
  for (int l = 0; l < kLanes; ++l) s += lane[l];
  return s;
}

// in = {x (M, N), gamma (N,), beta (N,)}, out = {y (M, N), mean (M,), var (M,)}: per row, the
// mean, then the centred (biased) variance, then y = (x - mean) * rstd * gamma + beta.
template <class T>
void layer_norm(const KernelArgs& k) {
  const Tensor& x = k.in[0];
  const int64_t m = k.out[1].numel(), n = x.numel() / m;
  const T *px = x.data<T>(), *gamma = k.in[1].data<T>(), *beta = k.in[2].data<T>();
  T *py = k.out[0].data<T>(), *mean = k.out[1].data<T>(), *var = k.out[2].data<T>();
  const double eps = k.attrs->alpha, inv_n = 1.0 / static_cast<double>(n);
  const RowBlocks blocks(m, n);
  run_tasks(blocks.count, blocks.rows * n, [&](int64_t b) {
    for (int64_t r = blocks.begin(b); r < blocks.end(b); ++r) {
      const T* row = px + r * n;
      const double mu =
          lane_sum(n, [row](int64_t j) { return static_cast<double>(row[j]); }) * inv_n;
      const double v = lane_sum(n,
                                [row, mu](int64_t j) {
                                  const double d = row[j] - mu;
                                  return d * d;
                                }) *
                       inv_n;
      mean[r] = static_cast<T>(mu);
      var[r] = static_cast<T>(v);
      const T mt = static_cast<T>(mu), rstd = static_cast<T>(1.0 / std::sqrt(v + eps));
      T* yr = py + r * n;
      for (int64_t j = 0; j < n; ++j) yr[j] = (row[j] - mt) * rstd * gamma[j] + beta[j];
    }
  });
}

// in = {dy (M, N), x (M, N), mean (M,), var (M,), gamma (N,)}, out = {dx (M, N), dgamma (N,),
// dbeta (N,)}. Per row: g = dy * gamma, xhat = (x - mean) * rstd,
// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)); each block of rows also sums dy * xhat
// and dy per column into its partials, merged in block order.
template <class T>
void layer_norm_grad(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &x = k.in[1];
  const int64_t m = k.in[2].numel(), n = x.numel() / m;
  const T *pdy = dy.data<T>(), *px = x.data<T>(), *mean = k.in[2].data<T>(),
          *var = k.in[3].data<T>(), *gamma = k.in[4].data<T>();
  T *dx = k.out[0].data<T>(), *dgamma = k.out[1].data<T>(), *dbeta = k.out[2].data<T>();
  const double eps = k.attrs->alpha, inv_n = 1.0 / static_cast<double>(n);
  const RowBlocks blocks(m, n);
  std::vector<double> part_g(static_cast<std::size_t>(blocks.count * n), 0.0), part_b(part_g);
  run_tasks(blocks.count, blocks.rows * n, [&](int64_t b) {
    double* sg = part_g.data() + b * n;
    double* sb = part_b.data() + b * n;
    for (int64_t r = blocks.begin(b); r < blocks.end(b); ++r) {
      const T *g = pdy + r * n, *xr = px + r * n;
      const double mu = mean[r], rstd = 1.0 / std::sqrt(static_cast<double>(var[r]) + eps);
      // Both row sums in one pass: a = mean(dy * gamma), c = mean(dy * gamma * xhat).
      double la[kLanes] = {}, lc[kLanes] = {};
      int64_t j = 0;
      for (; j + kLanes <= n; j += kLanes)
        for (int l = 0; l < kLanes; ++l) {
          const double gg = static_cast<double>(g[j + l]) * gamma[j + l];
          la[l] += gg;
          lc[l] += gg * ((xr[j + l] - mu) * rstd);
        }
      double a = 0.0, c = 0.0;
      for (; j < n; ++j) {
        const double gg = static_cast<double>(g[j]) * gamma[j];
        a += gg;
        c += gg * ((xr[j] - mu) * rstd);
      }
      for (int l = 0; l < kLanes; ++l) a += la[l], c += lc[l];
      const T mt = static_cast<T>(mu), rt = static_cast<T>(rstd);
      const T at = static_cast<T>(a * inv_n), ct = static_cast<T>(c * inv_n);
      T* o = dx + r * n;
      // dx in T; the column partials in double (vectorised across the row).
      for (j = 0; j < n; ++j) {
        const T xhat = (xr[j] - mt) * rt;
        o[j] = rt * (g[j] * gamma[j] - at - xhat * ct);
        sg[j] += static_cast<double>(g[j]) * ((static_cast<double>(xr[j]) - mu) * rstd);
        sb[j] += static_cast<double>(g[j]);
      }
    }
  });
  for (int64_t j = 0; j < n; ++j) {
    dgamma[j] = static_cast<T>(merged(part_g, blocks.count, n, j));
    dbeta[j] = static_cast<T>(merged(part_b, blocks.count, n, j));
  }
}

template <class T>
void register_dtype(KernelTable& t) {
  constexpr DType d = dtype_of<T>;
  t.set(Op::batch_norm, d, batch_norm<T>);
  t.set(Op::batch_norm_grad, d, batch_norm_grad<T>);
  t.set(Op::layer_norm, d, layer_norm<T>);
  t.set(Op::layer_norm_grad, d, layer_norm_grad<T>);
}

}  // namespace

void register_norm(KernelTable& t) {
  register_dtype<float>(t);
  register_dtype<double>(t);
}

}  // namespace mz::cpu
