// CTC loss on the device: one block per sample runs ref's alpha (forward) and beta (backward)
// recursions over the extended label in log space, in double for float32 and float64, a thread
// per state and a barrier per step; then a thread per step sums that step's occupancy per class
// in ref's order (no atomics: the same bits on every run). The op (ops/ctc.cpp) has checked
// every length and label and hands contiguous tensors.
#include <math_constants.h>

#include "mz/backend/cuda/allocator.h"
#include "mz/backend/cuda/loops.cuh"
#include "mz/backend/cuda/register.h"

namespace mz::cuda {
namespace {

__device__ __forceinline__ double neg_inf() { return -CUDART_INF; }

// log(exp(a) + exp(b)), exact at -inf.
__device__ __forceinline__ double log_add(double a, double b) {
  if (a == neg_inf()) return b;
  if (b == neg_inf()) return a;
  return a > b ? a + ::log1p(::exp(b - a)) : b + ::log1p(::exp(a - b));
}

// The per-batch pointers and sizes of one call.
template <class T>
struct CtcCall {
  const T* lp = nullptr;               // (B, steps, classes)
  const int64_t* labels = nullptr;     // (B, width)
  const int64_t* label_len = nullptr;  // (B,)
  const int64_t* logit_len = nullptr;  // (B,)
  int64_t steps = 0, classes = 0, width = 0, blank = 0;
  double* alpha = nullptr;  // (B, steps, 2 * width + 1) scratch
  double* beta = nullptr;   // the same, when grad is wanted
  T* loss = nullptr;        // (B,)
  T* grad = nullptr;        // (B, steps, classes) or null
};

// Sample blockIdx.x; see ref's ctc_sample (backend/ref/ctc.cpp) for the recursions: extended
// label l'[s] = blank for even s, label[(s - 1) / 2] for odd s; a path may skip the blank
// between two different labels.
template <class T>
__global__ void __launch_bounds__(kThreads) ctc_kernel(CtcCall<T> c) {
  const int64_t b = blockIdx.x;
  const int64_t ms = 2 * c.width + 1, sample = c.steps * c.classes;
  const T* lp = c.lp + b * sample;
  const int64_t* label = c.labels + b * c.width;
  const int64_t len = c.label_len[b], t_len = c.logit_len[b], states = 2 * len + 1;
  double* alpha = c.alpha + b * c.steps * ms;
  double* beta = c.beta ? c.beta + b * c.steps * ms : nullptr;
  T* grad = c.grad ? c.grad + b * sample : nullptr;
  const int64_t tid = threadIdx.x, nt = blockDim.x;
  auto ext = [&](int64_t s) { return s % 2 == 0 ? c.blank : label[(s - 1) / 2]; };
  auto skip_ok = [&](int64_t s) { return s % 2 == 1 && s >= 2 && ext(s) != ext(s - 2); };
  auto at = [&](int64_t t, int64_t k) { return static_cast<double>(lp[t * c.classes + k]); };

  if (t_len == 0) {  // only the empty label fits no steps
    if (tid == 0) c.loss[b] = T(0);
    if (grad)
      for (int64_t i = tid; i < sample; i += nt) grad[i] = T(0);
    return;
  }
  for (int64_t s = tid; s < states; s += nt)
    alpha[s] = s == 0 ? at(0, c.blank) : s == 1 ? at(0, ext(1)) : neg_inf();
  __syncthreads();
  for (int64_t t = 1; t < t_len; ++t) {
    const double* prev = alpha + (t - 1) * ms;
    double* cur = alpha + t * ms;
    for (int64_t s = tid; s < states; s += nt) {
      double a = prev[s];
      if (s >= 1) a = log_add(a, prev[s - 1]);
      if (skip_ok(s)) a = log_add(a, prev[s - 2]);
      cur[s] = a == neg_inf() ? neg_inf() : a + at(t, ext(s));
    }
    __syncthreads();
  }
  const double* last = alpha + (t_len - 1) * ms;
  const double log_lik = states > 1 ? log_add(last[states - 1], last[states - 2]) : last[0];
  if (tid == 0) c.loss[b] = static_cast<T>(-log_lik);
  if (!grad) return;

  double* tail = beta + (t_len - 1) * ms;
  for (int64_t s = tid; s < states; s += nt) tail[s] = s >= states - 2 ? 0.0 : neg_inf();
  __syncthreads();
  for (int64_t t = t_len - 2; t >= 0; --t) {
    const double* next = beta + (t + 1) * ms;
    double* cur = beta + t * ms;
    for (int64_t s = tid; s < states; s += nt) {
      double v = next[s] + at(t + 1, ext(s));
      if (s + 1 < states) v = log_add(v, next[s + 1] + at(t + 1, ext(s + 1)));
      if (s + 2 < states && skip_ok(s + 2)) v = log_add(v, next[s + 2] + at(t + 1, ext(s + 2)));
      cur[s] = v;
    }
    __syncthreads();
  }
  // Occupancy per step, states in ref's order; steps past t_len get no gradient.
  for (int64_t t = tid; t < c.steps; t += nt) {
    T* g = grad + t * c.classes;
    for (int64_t k = 0; k < c.classes; ++k) g[k] = T(0);
    if (t >= t_len) continue;
    for (int64_t s = 0; s < states; ++s) {
      const double v = alpha[t * ms + s] + beta[t * ms + s];
      if (v == neg_inf()) continue;
      g[ext(s)] -= static_cast<T>(::exp(v - log_lik));
    }
  }
}

// in = {log_probs (B, T, C), labels (B, L) int64, label lengths (B,) int64, logit lengths (B,)
// int64}, attrs.count = blank; out = {loss (B,), d loss / d log_probs (B, T, C) optional}.
template <class T>
void ctc_loss(const KernelArgs& k) {
  const Tensor &lp = k.in[0], &labels = k.in[1];
  const int64_t batch = lp.shape()[0];
  if (batch == 0) return;
  const int device = k.out[0].device().index;
  DeviceContext& ctx = activate(device);
  CtcCall<T> c;
  c.lp = first_element<const T>(lp);
  c.labels = first_element<const int64_t>(labels);
  c.label_len = first_element<const int64_t>(k.in[2]);
  c.logit_len = first_element<const int64_t>(k.in[3]);
  c.steps = lp.shape()[1];
  c.classes = lp.shape()[2];
  c.width = labels.shape()[1];
  c.blank = k.attrs->count;
  c.loss = first_element<T>(k.out[0]);
  c.grad = k.n_out > 1 && k.out[1].defined() ? first_element<T>(k.out[1]) : nullptr;
  const std::size_t table =
      static_cast<std::size_t>(batch * c.steps * (2 * c.width + 1)) * sizeof(double);
  Scratch alpha(device, table);
  Scratch beta(device, c.grad ? table : 0);
  c.alpha = static_cast<double*>(alpha.data());
  c.beta = c.grad ? static_cast<double*>(beta.data()) : nullptr;
  ctc_kernel<T><<<static_cast<unsigned>(batch), kThreads, 0, ctx.stream>>>(c);
  check_launch("ctc_loss");
}

}  // namespace

void register_ctc(KernelTable& t) {
  t.set(Op::ctc_loss, DType::f32, ctc_loss<float>);
  t.set(Op::ctc_loss, DType::f64, ctc_loss<double>);
}

}  // namespace mz::cuda
