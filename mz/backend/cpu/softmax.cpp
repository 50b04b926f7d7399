// softmax and log_softmax on the cpu: the last axis of a contiguous tensor, row by row,
// threaded over rows (each row is computed alone, so any thread count gives the same bits);
// other layouts run the ref kernel.
#include <algorithm>
#include <cmath>

#include "mz/backend/cpu/fast_math.h"
#include "mz/backend/cpu/register.h"
#include "mz/core/thread_pool.h"

namespace mz::cpu {
namespace {

// Lanes of the partial maxima and sums: 16 independent accumulators vectorise.
constexpr int kLanes = 16;

// One row of n: y = softmax(x) or log_softmax(x), with e = exp(x - max) summed in float.
template <class T, bool kLog>
void row(const T* x, T* y, int64_t n) {
  T lane[kLanes];
  std::fill(lane, lane + kLanes, -INFINITY);
  int64_t j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int l = 0; l < kLanes; ++l) lane[l] = x[j + l] > lane[l] ? x[j + l] : lane[l];
  T m = -INFINITY;
  for (; j < n; ++j) m = x[j] > m ? x[j] : m;  // NaN is skipped here and poisons the sum
  for (int l = 0; l < kLanes; ++l) m = lane[l] > m ? lane[l] : m;
  std::fill(lane, lane + kLanes, T(0));
  j = 0;
  for (; j + kLanes <= n; j += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      T e = Math<T>::exp(x[j + l] - m);
      if constexpr (!kLog) y[j + l] = e;
      lane[l] += e;
    }
  T s = 0;
  for (; j < n; ++j) {
    T e = Math<T>::exp(x[j] - m);
    if constexpr (!kLog) y[j] = e;
    s += e;
  }
  for (int l = 0; l < kLanes; ++l) s += lane[l];
  if constexpr (kLog) {
    const T log_s = std::log(s);
    for (j = 0; j < n; ++j) y[j] = (x[j] - m) - log_s;
  } else {
    const T inv = T(1) / s;
    for (j = 0; j < n; ++j) y[j] *= inv;
  }
}

// in[0] = x, out contiguous, attrs.axis; the fast path needs x contiguous and the last axis.
template <class T, bool kLog>
void normalised_exp(const KernelArgs& k) {
  const Tensor &x = k.in[0], &out = k.out[0];
  if (!x.is_contiguous() || k.attrs->axis != x.rank() - 1 || x.numel() == 0) {
    kernel_table(DeviceType::ref).get(kLog ? Op::log_softmax : Op::softmax, dtype_of<T>)(k);
    return;
  }
  const int64_t n = x.shape().back(), rows = x.numel() / n;
  const T* px = x.data<T>();
  T* py = out.data<T>();
  struct Ctx {
    const T* x;
    T* y;
    int64_t n;
  } ctx{px, py, n};
  const Ctx* c = &ctx;
  parallel_for(rows, std::max<int64_t>(1, 16384 / n), [c](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) row<T, kLog>(c->x + r * c->n, c->y + r * c->n, c->n);
  });
}

}  // namespace

void register_softmax(KernelTable& t) {
  t.set(Op::softmax, DType::f32, normalised_exp<float, false>);
  t.set(Op::softmax, DType::f64, normalised_exp<double, false>);
  t.set(Op::log_softmax, DType::f32, normalised_exp<float, true>);
  t.set(Op::log_softmax, DType::f64, normalised_exp<double, true>);
}

}  // namespace mz::cpu
