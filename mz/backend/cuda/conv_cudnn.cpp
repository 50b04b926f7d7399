// cuDNN convolution (see conv_cudnn.h): per device one cuDNN handle on the device's stream; per
// (direction, dtype, geometry, mode) one plan: descriptors and the algorithm cuDNN's heuristic
// ranks first among those it supports (deterministic ones only in deterministic mode), with its
// workspace, which comes from the caching allocator at each call. Weights are kept in Keras's
// (*k, in / groups, out) layout by merezha and in cuDNN's NHWC filter layout (out, *k,
// in / groups) here: a cuBLAS transpose on the way in (and out, for the weight gradient).
#include "mz/backend/cuda/conv_cudnn.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

#include "mz/backend/cuda/spatial.cuh"

#if MZ_HAVE_CUDNN
#include <cudnn.h>

#include <array>
#include <initializer_list>
#include <map>
#include <mutex>

#include "mz/backend/cuda/allocator.h"
#include "mz/backend/cuda/runtime.h"
#include "mz/core/error.h"
#endif

namespace mz::cuda {
namespace {

ConvPath path_from_env() {
  const char* v = std::getenv("MEREZHA_CUDA_CONV");
  if (v == nullptr) return ConvPath::automatic;
  if (std::strcmp(v, "cudnn") == 0) return ConvPath::cudnn;
  if (std::strcmp(v, "direct") == 0) return ConvPath::direct;
  return ConvPath::automatic;
}

std::atomic<ConvPath>& path_slot() {
  static std::atomic<ConvPath> path{path_from_env()};
  return path;
}

std::atomic<int64_t> g_runs{0};

}  // namespace

void set_conv_path(ConvPath path) { path_slot().store(path); }
ConvPath conv_path() { return path_slot().load(); }
int64_t cudnn_conv_runs() { return g_runs.load(); }

#if !MZ_HAVE_CUDNN

bool cudnn_built() { return false; }
bool cudnn_conv_forward(const Tensor&, const Tensor&, const Tensor&, const OpAttrs&) {
  return false;
}
bool cudnn_conv_grad_input(const Tensor&, const Tensor&, const Tensor&, const OpAttrs&) {
  return false;
}
bool cudnn_conv_grad_weight(const Tensor&, const Tensor&, const Tensor&, const OpAttrs&) {
  return false;
}

#else

namespace {

constexpr int kMaxDevices = 64;
// The most workspace an algorithm may ask for; larger ones are passed over.
constexpr std::size_t kMaxWorkspace = std::size_t{512} << 20;

enum class Dir : int { forward, grad_input, grad_weight };

struct Plan {
  bool ok = false;
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  int algo = 0;
  std::size_t workspace = 0;
};

// Geometry, dtype, direction and mode: everything a plan depends on.
using Key = std::array<int64_t, 20>;

// One device's cuDNN state; created on first use, never destroyed (as the device contexts).
struct CudnnDevice {
  bool ok = false;
  cudnnHandle_t handle = nullptr;
  std::mutex mutex;  // a cuDNN handle is for one thread at a time; guards `plans` too
  std::map<Key, Plan> plans;
};

CudnnDevice& cudnn_device(DeviceContext& ctx) {
  static auto* all = new std::array<CudnnDevice*, kMaxDevices>{};
  static auto* guard = new std::mutex;
  std::lock_guard lock(*guard);
  CudnnDevice*& slot = (*all)[static_cast<std::size_t>(ctx.index)];
  if (!slot) {
    slot = new CudnnDevice;
    // NOTE: a failure here (cuDNN's sub-libraries missing, a GPU it does not know) leaves the
    // device on the direct kernels for good rather than failing every convolution.
    if (cudnnCreate(&slot->handle) == CUDNN_STATUS_SUCCESS)
      slot->ok = cudnnSetStream(slot->handle, ctx.stream) == CUDNN_STATUS_SUCCESS;
  }
  return *slot;
}

bool ok(cudnnStatus_t s) { return s == CUDNN_STATUS_SUCCESS; }

void expect_ok(cudnnStatus_t s, const char* who) {
  if (s != CUDNN_STATUS_SUCCESS)
    throw BackendError(str(who, ": cuDNN error ", cudnnGetErrorString(s), "."));
}

bool fits_int(int64_t v) { return v >= 0 && v <= INT32_MAX; }

// The 2-D problem behind a call: x (N, H, W, Cin), y (N, OH, OW, Cout), w (KH, KW, Cig, Cout);
// 1-D convolutions have H = OH = KH = 1.
struct Problem {
  Spatial s;
  DType dtype = DType::f32;
  bool expressible = false;  // cuDNN computes exactly this convolution
  int64_t macs = 0;
};

Problem problem_of(const Shape& x_shape, const Shape& y_shape, const Shape& w_shape, DType dtype,
                   const OpAttrs& attrs) {
  Problem p;
  p.dtype = dtype;
  if (x_shape.rank() > 4 || (dtype != DType::f32 && dtype != DType::f64)) return p;
  const Shape window(std::vector<int64_t>(w_shape.begin(), w_shape.end() - 2));
  p.s = spatial_of(x_shape, y_shape, window, attrs);
  const Spatial& s = p.s;
  bool fits = true;
  for (int64_t v : {s.N, s.Cin, s.Cout, s.Cig, s.G}) fits = fits && fits_int(v) && v > 0;
  for (int a = 1; a < 3; ++a) {
    fits = fits && fits_int(s.I[a]) && fits_int(s.O[a]) && fits_int(s.K[a]) && fits_int(s.S[a]) &&
           fits_int(s.D[a]) && fits_int(s.P[a]) && s.O[a] > 0 && s.I[a] > 0;
    // cuDNN pads both ends by P; its output size must be merezha's (padding after may differ
    // only by what the last stride leaves unused).
    const int64_t span = s.I[a] + 2 * s.P[a] - s.D[a] * (s.K[a] - 1) - 1;
    fits = fits && span >= 0 && span / s.S[a] + 1 == s.O[a];
  }
  if (!fits) return p;
  const int64_t x_elems = s.N * s.I[1] * s.I[2] * s.Cin, y_elems = s.N * s.O[1] * s.O[2] * s.Cout;
  const int64_t w_elems = s.K[1] * s.K[2] * s.Cig * s.Cout;
  if (!fits_int(x_elems) || !fits_int(y_elems) || !fits_int(w_elems)) return p;
  p.expressible = true;
  p.macs = y_elems * s.K[1] * s.K[2] * s.Cig;
  return p;
}

// Whether `path` and the size rule send this problem to cuDNN.
bool wanted(const Problem& p) {
  if (!p.expressible) return false;
  switch (conv_path()) {
    case ConvPath::direct:
      return false;
    case ConvPath::cudnn:
      return true;
    default:
      return p.macs >= kCudnnMinMacs;
  }
}

Key key_of(Dir dir, const Problem& p) {
  const Spatial& s = p.s;
  return Key{static_cast<int64_t>(dir),
             static_cast<int64_t>(p.dtype),
             s.N,
             s.Cin,
             s.Cout,
             s.G,
             s.I[1],
             s.I[2],
             s.O[1],
             s.O[2],
             s.K[1],
             s.K[2],
             s.S[1],
             s.S[2],
             s.D[1],
             s.D[2],
             s.P[1],
             s.P[2],
             deterministic() ? 1 : 0,
             tf32_enabled() ? 1 : 0};
}

// Whether an algorithm's math suits the mode: float32 without MEREZHA_CUDA_TF32 keeps full
// float32 products, so only CUDNN_FMA_MATH (the descriptor asks for it; CUDNN_DEFAULT_MATH
// would let cuDNN use TF32 on sm_80 and later).
bool math_allowed(cudnnMathType_t m, DType dtype) {
  if (dtype != DType::f32 || tf32_enabled()) return true;
  return m == CUDNN_FMA_MATH;
}

// The first (best ranked) usable algorithm of the heuristic's list, or -1. FFT algorithms are
// passed over: their workspace grows with the image and their rounding error is the largest.
template <class Perf, class Algo>
int choose(const Perf* perf, int count, DType dtype, std::initializer_list<Algo> excluded,
           cudnnMathType_t* math, std::size_t* workspace) {
  for (int i = 0; i < count; ++i) {
    const Perf& r = perf[i];
    if (!ok(r.status) || r.memory > kMaxWorkspace || !math_allowed(r.mathType, dtype)) continue;
    if (deterministic() && r.determinism != CUDNN_DETERMINISTIC) continue;
    bool skip = false;
    for (Algo a : excluded) skip = skip || r.algo == a;
    if (skip) continue;
    *math = r.mathType;
    *workspace = r.memory;
    return static_cast<int>(r.algo);
  }
  return -1;
}

// Descriptors and algorithm for `dir`; plan.ok false when cuDNN offers nothing usable.
Plan make_plan(cudnnHandle_t h, Dir dir, const Problem& p) {
  Plan plan;
  const Spatial& s = p.s;
  const cudnnDataType_t type = p.dtype == DType::f64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
  auto i = [](int64_t v) { return static_cast<int>(v); };
  if (!ok(cudnnCreateTensorDescriptor(&plan.x)) || !ok(cudnnCreateTensorDescriptor(&plan.y)) ||
      !ok(cudnnCreateFilterDescriptor(&plan.w)) ||
      !ok(cudnnCreateConvolutionDescriptor(&plan.conv)))
    return plan;
  if (!ok(cudnnSetTensor4dDescriptor(plan.x, CUDNN_TENSOR_NHWC, type, i(s.N), i(s.Cin), i(s.I[1]),
                                     i(s.I[2]))) ||
      !ok(cudnnSetTensor4dDescriptor(plan.y, CUDNN_TENSOR_NHWC, type, i(s.N), i(s.Cout), i(s.O[1]),
                                     i(s.O[2]))) ||
      !ok(cudnnSetFilter4dDescriptor(plan.w, type, CUDNN_TENSOR_NHWC, i(s.Cout), i(s.Cig),
                                     i(s.K[1]), i(s.K[2]))) ||
      !ok(cudnnSetConvolution2dDescriptor(plan.conv, i(s.P[1]), i(s.P[2]), i(s.S[1]), i(s.S[2]),
                                          i(s.D[1]), i(s.D[2]), CUDNN_CROSS_CORRELATION, type)) ||
      !ok(cudnnSetConvolutionGroupCount(plan.conv, i(s.G))))
    return plan;
  const cudnnMathType_t start =
      p.dtype == DType::f32 && !tf32_enabled() ? CUDNN_FMA_MATH : CUDNN_DEFAULT_MATH;
  if (!ok(cudnnSetConvolutionMathType(plan.conv, start))) return plan;
  // cuDNN's own output size must be merezha's.
  int dims[4] = {};
  if (!ok(cudnnGetConvolutionNdForwardOutputDim(plan.conv, plan.x, plan.w, 4, dims)) ||
      dims[0] != s.N || dims[1] != s.Cout || dims[2] != s.O[1] || dims[3] != s.O[2])
    return plan;
  cudnnMathType_t math = start;
  int algo = -1;
  int found = 0;
  if (dir == Dir::forward) {
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    if (ok(cudnnGetConvolutionForwardAlgorithm_v7(h, plan.x, plan.w, plan.conv, plan.y,
                                                  CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &found, perf)))
      algo = choose(perf, found, p.dtype,
                    {CUDNN_CONVOLUTION_FWD_ALGO_FFT, CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING}, &math,
                    &plan.workspace);
  } else if (dir == Dir::grad_input) {
    cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
    if (ok(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, plan.w, plan.y, plan.conv, plan.x,
                                                       CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT,
                                                       &found, perf)))
      algo =
          choose(perf, found, p.dtype,
                 {CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT, CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING},
                 &math, &plan.workspace);
  } else {
    cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
    if (ok(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, plan.x, plan.y, plan.conv, plan.w,
                                                         CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
                                                         &found, perf)))
      algo = choose(
          perf, found, p.dtype,
          {CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING},
          &math, &plan.workspace);
  }
  if (algo < 0 || !ok(cudnnSetConvolutionMathType(plan.conv, math))) return plan;
  plan.algo = algo;
  plan.ok = true;
  return plan;
}

// Row-major (rows, cols) `src` into row-major (cols, rows) `dst` on the device's stream.
void transpose(DeviceContext& ctx, DType dtype, const void* src, void* dst, int64_t rows,
               int64_t cols, const char* who) {
  // Column-major, src is (cols, rows) with ld cols; dst = src^T is (rows, cols) with ld rows.
  const int m = static_cast<int>(rows), n = static_cast<int>(cols);
  if (dtype == DType::f32) {
    const float one = 1.0f, zero = 0.0f;
    check(
        cublasSgeam(ctx.blas, CUBLAS_OP_T, CUBLAS_OP_N, m, n, &one, static_cast<const float*>(src),
                    n, &zero, static_cast<float*>(dst), m, static_cast<float*>(dst), m),
        who);
  } else {
    const double one = 1.0, zero = 0.0;
    check(
        cublasDgeam(ctx.blas, CUBLAS_OP_T, CUBLAS_OP_N, m, n, &one, static_cast<const double*>(src),
                    n, &zero, static_cast<double*>(dst), m, static_cast<double*>(dst), m),
        who);
  }
}

const void* data_of(const Tensor& t) {
  return static_cast<const char*>(t.storage()->data()) +
         t.offset() * static_cast<int64_t>(dtype_size(t.dtype()));
}
void* mutable_data_of(const Tensor& t) {
  return static_cast<char*>(t.storage()->data()) +
         t.offset() * static_cast<int64_t>(dtype_size(t.dtype()));
}

// Runs `dir` for problem p: looks up or makes the plan, then `launch(ctx, handle, plan,
// workspace, alpha, beta)`, which queues the call (and its weight transposes). False, having
// queued nothing, when cuDNN declines: no handle, no plan, or a "not supported" status at
// launch, after which the plan is dropped for good.
template <class Launch>
bool run(Dir dir, const Problem& p, int device, const char* who, Launch launch) {
  DeviceContext& ctx = activate(device);
  CudnnDevice& cd = cudnn_device(ctx);
  if (!cd.ok) return false;
  std::lock_guard lock(cd.mutex);
  const Key key = key_of(dir, p);
  auto it = cd.plans.find(key);
  if (it == cd.plans.end()) it = cd.plans.emplace(key, make_plan(cd.handle, dir, p)).first;
  Plan& plan = it->second;
  if (!plan.ok) return false;
  Scratch workspace(device, plan.workspace);
  const double one_d = 1.0, zero_d = 0.0;
  const float one_f = 1.0f, zero_f = 0.0f;
  const void* alpha = p.dtype == DType::f64 ? static_cast<const void*>(&one_d) : &one_f;
  const void* beta = p.dtype == DType::f64 ? static_cast<const void*>(&zero_d) : &zero_f;
  const cudnnStatus_t status =
      launch(ctx, cd.handle, plan, plan.workspace ? workspace.data() : nullptr, alpha, beta);
  if (CUDNN_STATUS_CATEGORY(status) == CUDNN_STATUS_NOT_SUPPORTED) {
    plan.ok = false;
    return false;
  }
  expect_ok(status, who);
  g_runs.fetch_add(1);
  return true;
}

std::size_t bytes_of(const Problem& p, int64_t elems) {
  return static_cast<std::size_t>(elems) * dtype_size(p.dtype);
}

int64_t taps_of(const Problem& p) { return p.s.K[1] * p.s.K[2] * p.s.Cig; }

}  // namespace

bool cudnn_built() { return true; }

bool cudnn_conv_forward(const Tensor& x, const Tensor& w, const Tensor& y, const OpAttrs& attrs) {
  const Problem p = problem_of(x.shape(), y.shape(), w.shape(), x.dtype(), attrs);
  if (!wanted(p)) return false;
  return run(Dir::forward, p, y.device().index, "conv",
             [&](DeviceContext& ctx, cudnnHandle_t h, const Plan& plan, void* ws, const void* alpha,
                 const void* beta) {
               Scratch wt(ctx.index, bytes_of(p, w.numel()));
               transpose(ctx, p.dtype, data_of(w), wt.data(), taps_of(p), p.s.Cout, "conv");
               return cudnnConvolutionForward(h, alpha, plan.x, data_of(x), plan.w, wt.data(),
                                              plan.conv,
                                              static_cast<cudnnConvolutionFwdAlgo_t>(plan.algo), ws,
                                              plan.workspace, beta, plan.y, mutable_data_of(y));
             });
}

bool cudnn_conv_grad_input(const Tensor& dy, const Tensor& w, const Tensor& dx,
                           const OpAttrs& attrs) {
  const Problem p = problem_of(dx.shape(), dy.shape(), w.shape(), dx.dtype(), attrs);
  if (!wanted(p)) return false;
  return run(
      Dir::grad_input, p, dx.device().index, "conv_grad_input",
      [&](DeviceContext& ctx, cudnnHandle_t h, const Plan& plan, void* ws, const void* alpha,
          const void* beta) {
        Scratch wt(ctx.index, bytes_of(p, w.numel()));
        transpose(ctx, p.dtype, data_of(w), wt.data(), taps_of(p), p.s.Cout, "conv_grad_input");
        return cudnnConvolutionBackwardData(h, alpha, plan.w, wt.data(), plan.y, data_of(dy),
                                            plan.conv,
                                            static_cast<cudnnConvolutionBwdDataAlgo_t>(plan.algo),
                                            ws, plan.workspace, beta, plan.x, mutable_data_of(dx));
      });
}

bool cudnn_conv_grad_weight(const Tensor& x, const Tensor& dy, const Tensor& dw,
                            const OpAttrs& attrs) {
  const Problem p = problem_of(x.shape(), dy.shape(), dw.shape(), x.dtype(), attrs);
  if (!wanted(p)) return false;
  return run(Dir::grad_weight, p, dw.device().index, "conv_grad_weight",
             [&](DeviceContext& ctx, cudnnHandle_t h, const Plan& plan, void* ws, const void* alpha,
                 const void* beta) {
               // cuDNN writes (out, *k, in / groups); merezha's layout is its transpose.
               Scratch dwt(ctx.index, bytes_of(p, dw.numel()));
               const cudnnStatus_t status = cudnnConvolutionBackwardFilter(
                   h, alpha, plan.x, data_of(x), plan.y, data_of(dy), plan.conv,
                   static_cast<cudnnConvolutionBwdFilterAlgo_t>(plan.algo), ws, plan.workspace,
                   beta, plan.w, dwt.data());
               if (status == CUDNN_STATUS_SUCCESS)
                 transpose(ctx, p.dtype, dwt.data(), mutable_data_of(dw), p.s.Cout, taps_of(p),
                           "conv_grad_weight");
               return status;
             });
}

#endif  // MZ_HAVE_CUDNN

}  // namespace mz::cuda
