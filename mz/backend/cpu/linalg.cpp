// matmul and the fused Dense forward act(x @ w + b) through OpenBLAS (sgemm/dgemm, and gemv
// when M or N is 1). Without OpenBLAS these ops keep their ref kernels.
// Threading: C is cut into blocks of rows (or columns), each one single-threaded BLAS call,
// spread over mz::parallel_for; plan() chooses the cut so that every thread count gives the
// same bits. Start at matmul() and linear() near the end.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <type_traits>

#include "mz/backend/cpu/fast_math.h"
#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#ifdef MZ_HAVE_OPENBLAS
#include <cblas.h>
#include <omp.h>

// OpenBLAS's DYNAMIC_ARCH kernel selection: exported by Debian's build, absent from
// single-target builds (weak, so those link and skip select_blas_kernels).
extern "C" void gotoblas_dynamic_init(void) __attribute__((weak));
extern "C" void gotoblas_dynamic_quit(void) __attribute__((weak));
#endif

namespace mz::cpu {

#ifdef MZ_HAVE_OPENBLAS
namespace {

// NOTE: OpenBLAS 0.3.21 (Debian 12) does not recognise newer CPUs (these VMs report an "Intel
// Xeon" of family 6, model 207) and falls back to its SSE3 "Prescott" kernels: sgemm at 8
// instead of 130 GFLOP/s. Unless the user chose a core with OPENBLAS_CORETYPE, the selection
// is re-run once, before our first BLAS call, with the core this CPU's instruction set fits.
void select_blas_kernels() {
  if (std::getenv("OPENBLAS_CORETYPE") || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return;
  const char* detected = openblas_get_corename();
  if (!detected || std::string_view(detected) != "Prescott") return;
  const char* core = nullptr;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
    core = __builtin_cpu_supports("avx512bf16") ? "Cooperlake" : "SkylakeX";
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    core = "Haswell";
  }
  if (!core) return;
  setenv("OPENBLAS_CORETYPE", core, 1);
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
  unsetenv("OPENBLAS_CORETYPE");
}

// One matrix operand of a product: element (i, j) lives at p[i * ld + j], or at p[j * ld + i]
// when `trans` (the operand is a transposed view, e.g. x.mT()).
template <class T>
struct Mat {
  const T* p;
  int64_t ld;
  bool trans;
  // The sub-matrix starting at row i, column j.
  Mat at(int64_t i, int64_t j) const { return {p + (trans ? j * ld + i : i * ld + j), ld, trans}; }
};

// Reads the layout of t's last two dimensions (rows, cols). The op guarantees stride 1 on one
// of them; dimensions of size 1 may carry any stride, so they are normalised here.
template <class T>
Mat<T> mat_of(const Tensor& t, const T* first) {
  const int r = t.rank();
  const int64_t rows = t.shape()[r - 2], cols = t.shape()[r - 1];
  const int64_t s0 = t.strides()[r - 2], s1 = t.strides()[r - 1];
  if (rows == 1) {  // element (0, j) at j * s1
    if (s1 == 1 || cols == 1) return {first, std::max<int64_t>(cols, 1), false};
    return {first, s1, true};
  }
  if (cols == 1) return {first, s0, false};  // element (i, 0) at i * s0
  if (s1 == 1 && s0 >= cols) return {first, s0, false};
  return {first, s1, true};
}

// NOTE: the Debian OpenBLAS is the OpenMP build: each call spreads over omp_get_max_threads()
// of the calling thread. Our blocks are already the unit of parallelism, so every thread that
// calls BLAS is pinned to one OpenMP thread, once.
inline void single_threaded_blas() {
  thread_local bool done = false;
  if (!done) {
    omp_set_num_threads(1);
    done = true;
  }
}

// Row-major / transposed views of a 1 x K or K x 1 operand as a gemv vector: its stride.
template <class T>
int64_t row_vector_inc(const Mat<T>& m) {
  return m.trans ? m.ld : 1;
}  // (1, K)
template <class T>
int64_t col_vector_inc(const Mat<T>& m) {
  return m.trans ? 1 : m.ld;
}  // (K, 1)

// C = A @ B for K = kK <= 4 (a tiny layer's input, an outer product in a backward pass), B's
// rows contiguous: c[i][j] = sum_k a[i][k] b[k][j] in k order, a row at a time, each chunk of
// 16 columns finished in registers by `epi.finish<W>(s, column)` (the fused Dense forward's
// bias) before it is stored. BLAS spends far longer packing such operands
// than multiplying them.
template <int kK, class T, class Epi>
void gemm_small_k(int64_t M, int64_t N, const Mat<T>& A, const Mat<T>& B, T* C, int64_t ldc,
                  const Epi& epi, int64_t n0) {
  const T* b[kK];
  for (int k = 0; k < kK; ++k) b[k] = B.p + k * B.ld;
  for (int64_t i = 0; i < M; ++i) {
    T a[kK];
    for (int k = 0; k < kK; ++k) a[k] = A.trans ? A.p[k * A.ld + i] : A.p[i * A.ld + k];
    T* c = C + i * ldc;
    int64_t j = 0;
    for (; j + 16 <= N; j += 16) {  // a fixed width: straight vector code, no per-row set-up
      T s[16];
      for (int l = 0; l < 16; ++l) {
        s[l] = a[0] * b[0][j + l];
        for (int k = 1; k < kK; ++k) s[l] += a[k] * b[k][j + l];
      }
      epi.template finish<16>(s, n0 + j);
      for (int l = 0; l < 16; ++l) c[j + l] = s[l];
    }
    for (; j < N; ++j) {
      T s[1] = {a[0] * b[0][j]};
      for (int k = 1; k < kK; ++k) s[0] += a[k] * b[k][j];
      epi.template finish<1>(s, n0 + j);
      c[j] = s[0];
    }
  }
}

// gemm_small_k for K in 1..4 with B not transposed; false (nothing done) otherwise.
template <class T, class Epi>
bool try_gemm_small_k(int64_t M, int64_t N, int64_t K, const Mat<T>& A, const Mat<T>& B, T* C,
                      int64_t ldc, const Epi& epi, int64_t n0) {
  if (B.trans || K < 1 || K > 4) return false;
  switch (K) {
    case 1:
      gemm_small_k<1>(M, N, A, B, C, ldc, epi, n0);
      break;
    case 2:
      gemm_small_k<2>(M, N, A, B, C, ldc, epi, n0);
      break;
    case 3:
      gemm_small_k<3>(M, N, A, B, C, ldc, epi, n0);
      break;
    default:
      gemm_small_k<4>(M, N, A, B, C, ldc, epi, n0);
  }
  return true;
}

#if defined(__AVX512F__)
// c[0, 16 kV) = sum over k of a[k * inc] * b[k * ldb + 0, 16 kV), k in order, one FMA chain per
// column (the vector-matrix product of a batch of one: the weights stream through once, four
// rows per step). kMasked: one vector of `mask` columns (the last N % 16).
template <int kV, bool kMasked = false>
void gemv_tile(const float* a, int64_t inc, const float* b, int64_t ldb, int64_t K, float* c,
               __mmask16 mask = 0xffff) {
  __m512 acc[kV];
  for (int v = 0; v < kV; ++v) acc[v] = _mm512_setzero_ps();
  auto row = [&](int64_t k) {
    const __m512 x = _mm512_set1_ps(a[k * inc]);
    const float* w = b + k * ldb;
    for (int v = 0; v < kV; ++v) {
      const __m512 wv = kMasked ? _mm512_maskz_loadu_ps(mask, w) : _mm512_loadu_ps(w + 16 * v);
      acc[v] = _mm512_fmadd_ps(x, wv, acc[v]);
    }
  };
  int64_t k = 0;
  for (; k + 4 <= K; k += 4) {
    row(k);
    row(k + 1);
    row(k + 2);
    row(k + 3);
  }
  for (; k < K; ++k) row(k);
  for (int v = 0; v < kV; ++v) {
    if constexpr (kMasked)
      _mm512_mask_storeu_ps(c, mask, acc[v]);
    else
      _mm512_storeu_ps(c + 16 * v, acc[v]);
  }
}

// c (N) = a (K) @ B (K, N) with B's rows contiguous, in tiles of 128, 16, then the rest.
// About 1.25x OpenBLAS's sgemv here, whose kernel reads each weight row in shorter runs.
void gemv_rows(int64_t N, int64_t K, const float* a, int64_t inc, const Mat<float>& B, float* c) {
  int64_t j = 0;
  for (; j + 128 <= N; j += 128) gemv_tile<8>(a, inc, B.p + j, B.ld, K, c + j);
  for (; j + 16 <= N; j += 16) gemv_tile<1>(a, inc, B.p + j, B.ld, K, c + j);
  if (j < N)
    gemv_tile<1, true>(a, inc, B.p + j, B.ld, K, c + j,
                       static_cast<__mmask16>((1u << (N - j)) - 1));
}
#endif

// C (M, N), leading dimension ldc, = A (M, K) @ B (K, N): one single-threaded BLAS call.
void gemm(int64_t M, int64_t N, int64_t K, Mat<float> A, Mat<float> B, float* C, int64_t ldc) {
#if defined(__AVX512F__)
  if (M == 1 && !B.trans && N >= 16) return gemv_rows(N, K, A.p, row_vector_inc(A), B, C);
#endif
  single_threaded_blas();
  const auto ta = A.trans ? CblasTrans : CblasNoTrans, tb = B.trans ? CblasTrans : CblasNoTrans;
  if (M == 1) {  // c (N) = B^T a
    cblas_sgemv(CblasRowMajor, B.trans ? CblasNoTrans : CblasTrans, B.trans ? N : K,
                B.trans ? K : N, 1.0f, B.p, B.ld, A.p, row_vector_inc(A), 0.0f, C, 1);
  } else if (N == 1) {  // c (M) = A b
    cblas_sgemv(CblasRowMajor, A.trans ? CblasTrans : CblasNoTrans, A.trans ? K : M,
                A.trans ? M : K, 1.0f, A.p, A.ld, B.p, col_vector_inc(B), 0.0f, C, ldc);
  } else {
    cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, 1.0f, A.p, A.ld, B.p, B.ld, 0.0f, C, ldc);
  }
}

void gemm(int64_t M, int64_t N, int64_t K, Mat<double> A, Mat<double> B, double* C, int64_t ldc) {
  single_threaded_blas();
  const auto ta = A.trans ? CblasTrans : CblasNoTrans, tb = B.trans ? CblasTrans : CblasNoTrans;
  if (M == 1) {
    cblas_dgemv(CblasRowMajor, B.trans ? CblasNoTrans : CblasTrans, B.trans ? N : K,
                B.trans ? K : N, 1.0, B.p, B.ld, A.p, row_vector_inc(A), 0.0, C, 1);
  } else if (N == 1) {
    cblas_dgemv(CblasRowMajor, A.trans ? CblasTrans : CblasNoTrans, A.trans ? K : M,
                A.trans ? M : K, 1.0, A.p, A.ld, B.p, col_vector_inc(B), 0.0, C, ldc);
  } else {
    cblas_dgemm(CblasRowMajor, ta, tb, M, N, K, 1.0, A.p, A.ld, B.p, B.ld, 0.0, C, ldc);
  }
}

// Whether float32 blocks may follow the thread count (see plan()). Runs select_blas_kernels
// first, once. NOTE: OpenBLAS's AVX-512 sgemm (Cooperlake, SkylakeX) gives every element the
// same bits however C is cut into blocks (checked on 400 random shapes and cuts), as long as
// each block stays above its small-matrix kernel (about 1M multiply-adds), which rounds
// differently. Its Haswell sgemm and every dgemm do not: there the cut must not move.
bool exact_float_splits() {
  static const bool exact = [] {
    select_blas_kernels();
    const std::string_view core = openblas_get_corename();
    return core == "Cooperlake" || core == "SkylakeX";
  }();
  return exact;
}

// How C (M, N) is cut: `parts` blocks of rows (or of columns when `split_n`), each one BLAS
// call, so that any thread count gives the same bits:
//  - float32 with exact splits: one block per thread, each of at least kExactWork
//    multiply-adds (one thread makes one call: nothing is repacked);
//  - otherwise blocks that depend on the shape only, of at least kFixedWork multiply-adds and
//    kFixedPart rows (or columns), since each block packs the other operand again (about
//    16 / kFixedPart of the time).
constexpr int64_t kExactWork = int64_t{1} << 21;
constexpr int64_t kExactPart = 64;
constexpr int64_t kFixedWork = int64_t{1} << 24;
constexpr int64_t kFixedPart = 512;
constexpr int64_t kMaxParts = 16;

struct Plan {
  int64_t parts = 1;
  bool split_n = false;
};

template <class T>
Plan plan(int64_t M, int64_t N, int64_t K) {
  Plan p;
  if (M <= 1 || N <= 1) return p;  // gemv: one call
  const int64_t work = M * N * K;
  p.split_n = N > M;
  const int64_t dim = p.split_n ? N : M;
  if (std::is_same_v<T, float> && exact_float_splits()) {
    p.parts = std::min<int64_t>({num_threads(), work / kExactWork, dim / kExactPart, kMaxParts});
  } else {
    p.parts = std::min({work / kFixedWork, dim / kFixedPart, kMaxParts});
  }
  p.parts = std::max<int64_t>(p.parts, 1);
  return p;
}

// [begin, end) of block `i` of `parts` over n; cuts fall on multiples of 64 (a multiple of
// every kernel's unroll, so no block introduces edge tiles of its own).
inline void block(int64_t n, int64_t parts, int64_t i, int64_t& begin, int64_t& end) {
  auto edge = [&](int64_t j) { return j == parts ? n : (n * j / parts) / 64 * 64; };
  begin = edge(i);
  end = edge(i + 1);
}

// Computes one block of C = A @ B with its epilogue: `epilogue(c, ldc, rows, n0, n1)` after
// the product, or its bias inside the small-K product and `activate` after it.
template <class T, class Epilogue>
void gemm_block(int64_t M, int64_t N, int64_t K, const Mat<T>& A, const Mat<T>& B, T* C,
                int64_t ldc, const Plan& p, int64_t part, const Epilogue& epilogue) {
  int64_t m0 = 0, m1 = M, n0 = 0, n1 = N;
  if (p.parts > 1)
    block(p.split_n ? N : M, p.parts, part, p.split_n ? n0 : m0, p.split_n ? n1 : m1);
  if (m1 <= m0 || n1 <= n0) return;
  T* c = C + m0 * ldc + n0;
  const Mat<T> a = A.at(m0, 0), b = B.at(0, n0);
  if (K > 0 && try_gemm_small_k(m1 - m0, n1 - n0, K, a, b, c, ldc, epilogue, n0))
    return epilogue.activate(c, ldc, m1 - m0, n1 - n0);
  if (K == 0) {
    for (int64_t i = 0; i < m1 - m0; ++i) std::fill(c + i * ldc, c + i * ldc + (n1 - n0), T(0));
  } else {
    gemm(m1 - m0, n1 - n0, K, a, b, c, ldc);
  }
  epilogue(c, ldc, m1 - m0, n0, n1);
}

struct NoEpilogue {
  template <class T>
  void operator()(T*, int64_t, int64_t, int64_t, int64_t) const {}
  template <int W, class T>
  void finish(T*, int64_t) const {}
  template <class T>
  void activate(T*, int64_t, int64_t, int64_t) const {}
};

// Runs `tasks` tasks through `run(i)`: inline when there is one, else over the pool.
// NOTE: the lambda handed to parallel_for captures one pointer, so std::function keeps it
// inline (no heap allocation on the hot path).
template <class Run>
void run_tasks(int64_t tasks, const Run& run) {
  if (tasks == 1) {
    run(0);
    return;
  }
  const Run* r = &run;
  parallel_for(tasks, 1, [r](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) (*r)(i);
  });
}

// Offsets of batch item `i` (row-major over `batch`) in a tensor with `strides`.
inline int64_t batch_offset(const Shape& batch, const Tensor& t, int64_t i) {
  int64_t off = 0;
  for (int d = batch.rank() - 1; d >= 0; --d) {
    off += (i % batch[d]) * t.strides()[d];
    i /= batch[d];
  }
  return off;
}

// True when a's batch dimensions and rows form one uniformly strided run of rows (so a batch
// times a shared 2-D b is one tall GEMM), with b's batch strides all 0.
bool foldable(const Tensor& a, const Tensor& b, int64_t rows_ld) {
  const int r = a.rank();
  if (a.strides()[r - 1] != 1 && a.shape()[r - 1] > 1) return false;
  int64_t expect = rows_ld * a.shape()[r - 2];
  for (int d = r - 3; d >= 0; --d) {
    if (b.strides()[d] != 0 && b.shape()[d] > 1) return false;
    if (a.shape()[d] > 1 && a.strides()[d] != expect) return false;
    expect *= a.shape()[d];
  }
  return true;
}

// matmul: in[0] = a (batch..., M, K), in[1] = b (batch..., K, N), both with out's batch
// dimensions (stride 0 where broadcast) and stride 1 in one of their last two dimensions;
// out (batch..., M, N) contiguous.
template <class T>
void matmul(const KernelArgs& k) {
  const Tensor &a = k.in[0], &b = k.in[1], &out = k.out[0];
  const int r = out.rank();
  int64_t M = out.shape()[r - 2];
  const int64_t N = out.shape()[r - 1], K = a.shape()[r - 1];
  if (out.numel() == 0) return;
  Shape batch;
  for (int d = 0; d + 2 < r; ++d) batch.push_back(out.shape()[d]);
  const T* pa = static_cast<const T*>(a.storage()->data()) + a.offset();
  const T* pb = static_cast<const T*>(b.storage()->data()) + b.offset();
  T* pc = out.data<T>();
  Mat<T> A = mat_of<T>(a, pa), B = mat_of<T>(b, pb);
  int64_t items = batch.numel();
  if (items > 1 && !A.trans && foldable(a, b, A.ld)) {  // (batch * M, K) @ (K, N)
    M *= items;
    items = 1;
  }
  const Plan p = plan<T>(M, N, K);
  auto run = [&](int64_t task) {
    const int64_t item = task / p.parts, part = task % p.parts;
    Mat<T> Ai = A, Bi = B;
    if (items > 1) {
      Ai.p = pa + batch_offset(batch, a, item);
      Bi.p = pb + batch_offset(batch, b, item);
    }
    gemm_block(M, N, K, Ai, Bi, pc + item * M * N, N, p, part, NoEpilogue{});
  };
  run_tasks(items * p.parts, run);
}

// The bias + activation pass over one block of C: c[i][j] = act(c[i][j] + bias[n0 + j]) while
// the block is still in cache. The bias goes row by row; the activation runs as one flat loop
// when the block's rows are adjacent (narrow layers: a 16-wide row is too short a loop).
// finish<W> adds the bias to W values of columns [j, j + W) held in registers.
template <class T, Act kAct>
struct BiasAct {
  const T* bias;  // null when there is none
  // relu keeps NaN (x < 0 ? 0 : x), as the relu op does.
  static T act(T v) {
    if constexpr (kAct == Act::relu) return v < T(0) ? T(0) : v;
    if constexpr (kAct == Act::tanh) return Math<T>::tanh(v);
    if constexpr (kAct == Act::sigmoid) return Math<T>::sigmoid(v);
    return v;
  }
  static void act(T* p, int64_t n) {
    for (int64_t j = 0; j < n; ++j) p[j] = act(p[j]);
  }
  void operator()(T* c, int64_t ldc, int64_t rows, int64_t n0, int64_t n1) const {
    const int64_t n = n1 - n0;
    if (const T* b = bias ? bias + n0 : nullptr) {
      if (n == 1 && ldc == 1) {  // one output column (a regression head): a flat loop
        for (int64_t i = 0; i < rows; ++i) c[i] += b[0];
      } else {
        for (int64_t i = 0; i < rows; ++i) {
          T* row = c + i * ldc;
          for (int64_t j = 0; j < n; ++j) row[j] += b[j];
        }
      }
    }
    activate(c, ldc, rows, n);
  }
  // The activation alone over a block of `rows` rows of n columns.
  void activate(T* c, int64_t ldc, int64_t rows, int64_t n) const {
    if constexpr (kAct == Act::linear) return;
    if (ldc == n) return act(c, rows * n);
    for (int64_t i = 0; i < rows; ++i) act(c + i * ldc, n);
  }
  // The bias of columns [j, j + W) added to W values in registers (the activation then runs
  // as activate's flat loop: inside a 16-wide chunk GCC leaves it scalar).
  template <int W>
  void finish(T* s, int64_t j) const {
    if (bias)
      for (int l = 0; l < W; ++l) s[l] += bias[j + l];
  }
};

template <class T, Act kAct>
void linear_with(const KernelArgs& k) {
  const Tensor &x = k.in[0], &w = k.in[1], &out = k.out[0];
  const int64_t K = w.shape()[0], N = w.shape()[1];
  const int64_t M = K == 0 ? out.numel() / std::max<int64_t>(N, 1) : x.numel() / K;
  if (out.numel() == 0) return;
  const T* px = static_cast<const T*>(x.storage()->data()) + x.offset();
  const T* pw = static_cast<const T*>(w.storage()->data()) + w.offset();
  const T* pb = k.n_in > 2 && k.in[2].defined() ? k.in[2].data<T>() : nullptr;
  // x is contiguous (M rows of K) or a 2-D view with stride 1 in one dimension.
  Mat<T> X = x.rank() == 2 ? mat_of<T>(x, px) : Mat<T>{px, std::max<int64_t>(K, 1), false};
  Mat<T> W = mat_of<T>(w, pw);
  const Plan p = plan<T>(M, N, K);
  const BiasAct<T, kAct> epilogue{pb};
  T* pc = out.data<T>();
  run_tasks(p.parts, [&](int64_t part) { gemm_block(M, N, K, X, W, pc, N, p, part, epilogue); });
}

// linear: in[0] = x (..., in), contiguous or 2-D with stride 1 in one dimension; in[1] = w
// (in, out) with stride 1 in one dimension; optional in[2] = b (out,) contiguous;
// out (..., out) contiguous = act(x @ w + b), act = attrs.act.
template <class T>
void linear(const KernelArgs& k) {
  switch (k.attrs->act) {
    case Act::linear:
      return linear_with<T, Act::linear>(k);
    case Act::relu:
      return linear_with<T, Act::relu>(k);
    case Act::tanh:
      return linear_with<T, Act::tanh>(k);
    case Act::sigmoid:
      return linear_with<T, Act::sigmoid>(k);
  }
}

}  // namespace

void register_linalg(KernelTable& t) {
  exact_float_splits();  // picks OpenBLAS's kernels before any call
  t.set(Op::matmul, DType::f32, matmul<float>);
  t.set(Op::matmul, DType::f64, matmul<double>);
  t.set(Op::linear, DType::f32, linear<float>);
  t.set(Op::linear, DType::f64, linear<double>);
}

#else

// Built without OpenBLAS: matmul and linear keep the ref kernels.
void register_linalg(KernelTable&) {}

#endif

}  // namespace mz::cpu
