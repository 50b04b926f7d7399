// Batch norm and layer norm, forward and backward, as plain loops in double: the
// specification the cpu kernels are tested against. Every input is contiguous (the ops in
// ops/norm.cpp make it so); epsilon rides in attrs.alpha.
#include <cmath>
#include <vector>

#include "mz/backend/ref/loops.h"
#include "mz/backend/ref/register.h"

namespace mz::ref {
namespace {

// in = {x (M, C), gamma (C,), beta (C,)}, out = {y (M, C), mean (C,), var (C,)}; x is
// channels_last, M the product of every axis but the last. Per channel: the mean, then the
// biased variance of the centred values (two passes), then y.
template <class T>
void batch_norm(const KernelArgs& k) {
  const Tensor& x = k.in[0];
  const int64_t c_n = x.shape().back(), m = x.numel() / c_n;
  const T *px = x.data<T>(), *gamma = k.in[1].data<T>(), *beta = k.in[2].data<T>();
  T *py = k.out[0].data<T>(), *mean = k.out[1].data<T>(), *var = k.out[2].data<T>();
  const double eps = k.attrs->alpha;
  for (int64_t c = 0; c < c_n; ++c) {
    double s = 0.0;
    for (int64_t r = 0; r < m; ++r) s += px[r * c_n + c];
    const double mu = s / static_cast<double>(m);
    double q = 0.0;
    for (int64_t r = 0; r < m; ++r) {
      const double d = px[r * c_n + c] - mu;
      q += d * d;
    }
    const double v = q / static_cast<double>(m);
    const double rstd = 1.0 / std::sqrt(v + eps);
    for (int64_t r = 0; r < m; ++r)
      py[r * c_n + c] = static_cast<T>((px[r * c_n + c] - mu) * rstd * gamma[c] + beta[c]);
    mean[c] = static_cast<T>(mu);
    var[c] = static_cast<T>(v);
  }
}

// in = {dy (M, C), x (M, C), mean (C,), var (C,), gamma (C,)}, out = {dx (M, C), dgamma (C,),
// dbeta (C,)}. With xhat = (x - mean) * rstd: dbeta = sum(dy), dgamma = sum(dy * xhat),
// dx = gamma * rstd * (dy - dbeta / M - xhat * dgamma / M).
template <class T>
void batch_norm_grad(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &x = k.in[1];
  const int64_t c_n = x.shape().back(), m = x.numel() / c_n;
  const T *pdy = dy.data<T>(), *px = x.data<T>(), *mean = k.in[2].data<T>(),
          *var = k.in[3].data<T>(), *gamma = k.in[4].data<T>();
  T *dx = k.out[0].data<T>(), *dgamma = k.out[1].data<T>(), *dbeta = k.out[2].data<T>();
  const double eps = k.attrs->alpha, inv_m = 1.0 / static_cast<double>(m);
  for (int64_t c = 0; c < c_n; ++c) {
    const double mu = mean[c], rstd = 1.0 / std::sqrt(static_cast<double>(var[c]) + eps);
    double sdy = 0.0, sdyx = 0.0;
    for (int64_t r = 0; r < m; ++r) {
      const int64_t i = r * c_n + c;
      sdy += pdy[i];
      sdyx += pdy[i] * ((px[i] - mu) * rstd);
    }
    for (int64_t r = 0; r < m; ++r) {
      const int64_t i = r * c_n + c;
      const double xhat = (px[i] - mu) * rstd;
      dx[i] = static_cast<T>(gamma[c] * rstd * (pdy[i] - sdy * inv_m - xhat * sdyx * inv_m));
    }
    dbeta[c] = static_cast<T>(sdy);
    dgamma[c] = static_cast<T>(sdyx);
  }
}

// in = {x (M, N), gamma (N,), beta (N,)}, out = {y (M, N), mean (M,), var (M,)}: each row of
// N is normalised by its own mean and biased variance (two passes), then scaled and shifted.
template <class T>
void layer_norm(const KernelArgs& k) {
  const Tensor& x = k.in[0];
  const int64_t m = k.out[1].numel(), n = x.numel() / m;
  const T *px = x.data<T>(), *gamma = k.in[1].data<T>(), *beta = k.in[2].data<T>();
  T *py = k.out[0].data<T>(), *mean = k.out[1].data<T>(), *var = k.out[2].data<T>();
  const double eps = k.attrs->alpha;
  for (int64_t r = 0; r < m; ++r) {
    const T* row = px + r * n;
    double s = 0.0;
    for (int64_t j = 0; j < n; ++j) s += row[j];
    const double mu = s / static_cast<double>(n);
    double q = 0.0;
    for (int64_t j = 0; j < n; ++j) q += (row[j] - mu) * (row[j] - mu);
    const double v = q / static_cast<double>(n);
    const double rstd = 1.0 / std::sqrt(v + eps);
    for (int64_t j = 0; j < n; ++j)
      py[r * n + j] = static_cast<T>((row[j] - mu) * rstd * gamma[j] + beta[j]);
    mean[r] = static_cast<T>(mu);
    var[r] = static_cast<T>(v);
  }
}

// in = {dy (M, N), x (M, N), mean (M,), var (M,), gamma (N,)}, out = {dx (M, N), dgamma (N,),
// dbeta (N,)}. Per row, with xhat = (x - mean) * rstd and g = dy * gamma:
// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)); dgamma and dbeta sum dy * xhat and dy
// over the rows.
template <class T>
void layer_norm_grad(const KernelArgs& k) {
  const Tensor &dy = k.in[0], &x = k.in[1];
  const int64_t m = k.in[2].numel(), n = x.numel() / m;
  const T *pdy = dy.data<T>(), *px = x.data<T>(), *mean = k.in[2].data<T>(),
          *var = k.in[3].data<T>(), *gamma = k.in[4].data<T>();
  T *dx = k.out[0].data<T>(), *dgamma = k.out[1].data<T>(), *dbeta = k.out[2].data<T>();
  const double eps = k.attrs->alpha, inv_n = 1.0 / static_cast<double>(n);
  std::vector<double> sg(static_cast<std::size_t>(n), 0.0), sb(static_cast<std::size_t>(n), 0.0);
  for (int64_t r = 0; r < m; ++r) {
    const int64_t o = r * n;
    const double mu = mean[r], rstd = 1.0 / std::sqrt(static_cast<double>(var[r]) + eps);
    double a = 0.0, b = 0.0;
    for (int64_t j = 0; j < n; ++j) {
      const double xhat = (px[o + j] - mu) * rstd, g = static_cast<double>(pdy[o + j]) * gamma[j];
      a += g;
      b += g * xhat;
      sg[j] += pdy[o + j] * xhat;
      sb[j] += pdy[o + j];
    }
    a *= inv_n;
    b *= inv_n;
    for (int64_t j = 0; j < n; ++j) {
      const double xhat = (px[o + j] - mu) * rstd, g = static_cast<double>(pdy[o + j]) * gamma[j];
      dx[o + j] = static_cast<T>(rstd * (g - a - xhat * b));
    }
  }
  for (int64_t j = 0; j < n; ++j) {
    dgamma[j] = static_cast<T>(sg[j]);
    dbeta[j] = static_cast<T>(sb[j]);
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

}  // namespace mz::ref
