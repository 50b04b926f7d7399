// CTC loss as plain loops: the forward (alpha) and backward (beta) recursions over the
// extended label (blanks around and between the labels) in log space, in double for both
// float32 and float64. The op (ops/ctc.cpp) has checked every length and label.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// log(exp(a) + exp(b)), exact at -inf.
double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
}

// One sample. lp: (T, C) log-probabilities, row stride C; label: its L labels; t_len steps
// count. Writes the loss and, when grad is not null, d loss / d lp into grad (T, C): minus the
// occupancy of each class at each step, zero from step t_len on.
// Extended label l' has S = 2L + 1 states: l'[s] = blank for even s, label[(s - 1) / 2] for
// odd s. alpha[t][s]: log probability of the prefixes of length t + 1 ending in state s,
// emissions 0..t included; beta[t][s]: log probability of completing from state s at step t,
// emissions t+1..t_len-1. A path may skip a blank between two different labels.
template <class T>
void ctc_sample(const T* lp, int64_t t_len, int64_t classes, const int64_t* label, int64_t len,
                int64_t blank, T* loss, T* grad) {
  const int64_t states = 2 * len + 1;
  if (grad) std::fill(grad, grad + t_len * classes, T(0));
  if (t_len == 0) {  // only the empty label fits no steps (the op has checked len == 0)
    *loss = T(0);
    return;
  }
  auto ext = [&](int64_t s) { return s % 2 == 0 ? blank : label[(s - 1) / 2]; };
  // Transition s - 2 -> s is allowed into a label that differs from the one before it.
  auto skip_ok = [&](int64_t s) { return s % 2 == 1 && s >= 2 && ext(s) != ext(s - 2); };
  auto at = [&](int64_t t, int64_t k) { return static_cast<double>(lp[t * classes + k]); };

  std::vector<double> alpha(t_len * states, kNegInf);
  alpha[0] = at(0, blank);
  if (states > 1) alpha[1] = at(0, ext(1));
  for (int64_t t = 1; t < t_len; ++t) {
    const double* prev = &alpha[(t - 1) * states];
    double* cur = &alpha[t * states];
    for (int64_t s = 0; s < states; ++s) {
      double a = prev[s];
      if (s >= 1) a = log_add(a, prev[s - 1]);
      if (skip_ok(s)) a = log_add(a, prev[s - 2]);
      cur[s] = a == kNegInf ? kNegInf : a + at(t, ext(s));
    }
  }
  const double* last = &alpha[(t_len - 1) * states];
  const double log_lik = states > 1 ? log_add(last[states - 1], last[states - 2]) : last[0];
  *loss = static_cast<T>(-log_lik);
  if (!grad) return;

  std::vector<double> beta(t_len * states, kNegInf);
  beta[(t_len - 1) * states + states - 1] = 0.0;
  if (states > 1) beta[(t_len - 1) * states + states - 2] = 0.0;
  for (int64_t t = t_len - 2; t >= 0; --t) {
    const double* next = &beta[(t + 1) * states];
    double* cur = &beta[t * states];
    for (int64_t s = 0; s < states; ++s) {
      double b = next[s] + at(t + 1, ext(s));
      if (s + 1 < states) b = log_add(b, next[s + 1] + at(t + 1, ext(s + 1)));
      if (s + 2 < states && skip_ok(s + 2)) b = log_add(b, next[s + 2] + at(t + 1, ext(s + 2)));
      cur[s] = b;
    }
  }
  // Occupancy: the probability mass of the paths through (t, s), summed per class.
  for (int64_t t = 0; t < t_len; ++t) {
    T* g = grad + t * classes;
    for (int64_t s = 0; s < states; ++s) {
      double v = alpha[t * states + s] + beta[t * states + s];
      if (v == kNegInf) continue;
      g[ext(s)] -= static_cast<T>(std::exp(v - log_lik));
    }
  }
}

// in[0] = log_probs (B, T, C) contiguous float; in[1] = labels (B, L) int64 contiguous;
// in[2] = label lengths, in[3] = logit lengths, (B,) int64; attrs.count = blank.
// out[0] = loss (B,); out[1], when present, = d loss / d log_probs (B, T, C).
// Works on views (offsets honoured), so the cpu kernel can run it on batch slices.
template <class T>
void ctc_loss(const KernelArgs& k) {
  const Tensor &lp = k.in[0], &labels = k.in[1];
  const int64_t batch = lp.shape()[0], steps = lp.shape()[1], classes = lp.shape()[2];
  const int64_t width = labels.shape()[1];
  const T* plp = base<T>(lp) + lp.offset();
  const int64_t* plab = base<int64_t>(labels) + labels.offset();
  const int64_t* plab_len = base<int64_t>(k.in[2]) + k.in[2].offset();
  const int64_t* plog_len = base<int64_t>(k.in[3]) + k.in[3].offset();
  T* ploss = mutable_base<T>(k.out[0]) + k.out[0].offset();
  T* pgrad = k.n_out > 1 ? mutable_base<T>(k.out[1]) + k.out[1].offset() : nullptr;
  const int64_t blank = k.attrs->count, sample = steps * classes;
  for (int64_t b = 0; b < batch; ++b) {
    T* g = pgrad ? pgrad + b * sample : nullptr;
    ctc_sample<T>(plp + b * sample, plog_len[b], classes, plab + b * width, plab_len[b], blank,
                  ploss + b, g);
    // Steps past the logit length get no gradient.
    if (g) std::fill(g + plog_len[b] * classes, g + sample, T(0));
  }
}

}  // namespace

void register_ctc(KernelTable& t) {
  t.set(Op::ctc_loss, DType::f32, ctc_loss<float>);
  t.set(Op::ctc_loss, DType::f64, ctc_loss<double>);
}

}  // namespace mz::ref
