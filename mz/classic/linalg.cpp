// Small dense f64 linear algebra for mz::classic (see linalg.h).
#include "mz/classic/linalg.h"

#include <algorithm>
#include <cmath>

#include "mz/core/error.h"
#include "mz/ops/creation.h"

namespace mz::classic::la {

Matrix from_tensor(const Tensor& t, const std::string& who, const std::string& name) {
  if (!t.defined()) throw ValueError(str(who, ": ", name, " is an undefined tensor."));
  if (t.rank() != 1 && t.rank() != 2)
    throw ShapeError(str(who, ": ", name, " must be 2-D (samples, features): expected rank 2, got rank ",
                         t.rank(), " ", t.shape(), "."));
  Matrix m(t.rank() == 1 ? 1 : t.size(0), t.rank() == 1 ? t.size(0) : t.size(1));
  if (m.rows == 0 || m.cols == 0)
    throw ValueError(str(who, ": ", name, " is empty: expected at least one sample and one feature, got ",
                         t.shape(), "."));
  m.v = t.to_vector<double>();
  for (std::size_t i = 0; i < m.v.size(); ++i)
    if (!std::isfinite(m.v[i]))
      throw ValueError(str(who, ": ", name, " must be finite: expected a number, got ", m.v[i],
                           " at row ", static_cast<int64_t>(i) / m.cols, ", column ",
                           static_cast<int64_t>(i) % m.cols, "."));
  return m;
}

Tensor to_tensor(const Matrix& m) { return mz::tensor(m.v, Shape{m.rows, m.cols}); }

Tensor to_tensor(const std::vector<double>& values, const Shape& shape) {
  return mz::tensor(values, shape);
}

Matrix transpose(const Matrix& a) {
  Matrix t(a.cols, a.rows);
  for (int64_t i = 0; i < a.rows; ++i)
    for (int64_t j = 0; j < a.cols; ++j) t(j, i) = a(i, j);
  return t;
}

Matrix matmul(const Matrix& a, const Matrix& b) {
  MZ_ASSERT(a.cols == b.rows, "matmul ", a.cols, " vs ", b.rows);
  Matrix c(a.rows, b.cols);
  for (int64_t i = 0; i < a.rows; ++i) {
    double* ci = c.row(i);
    for (int64_t k = 0; k < a.cols; ++k) {
      const double aik = a(i, k);
      if (aik == 0.0) continue;
      const double* bk = b.row(k);
      for (int64_t j = 0; j < b.cols; ++j) ci[j] += aik * bk[j];
    }
  }
  return c;
}

namespace {

// Householder QR of a (m x n, m >= n) in place: R in the upper triangle, the reflectors'
// vectors below it with their leading entries in `head`. Returns false when rank deficient.
bool householder(Matrix& a, std::vector<double>& head, std::vector<double>& diag) {
  const int64_t m = a.rows, n = a.cols;
  head.assign(n, 0.0);
  diag.assign(n, 0.0);
  double scale = 0.0;
  for (double x : a.v) scale = std::max(scale, std::abs(x));
  for (int64_t k = 0; k < n; ++k) {
    double norm = 0.0;
    for (int64_t i = k; i < m; ++i) norm += a(i, k) * a(i, k);
    norm = std::sqrt(norm);
    if (norm <= 1e-13 * std::max(scale, 1e-300) * std::sqrt(static_cast<double>(m))) return false;
    const double alpha = a(k, k) > 0 ? -norm : norm;
    // v = x - alpha e1, stored in column k (rows k..m-1).
    a(k, k) -= alpha;
    double vnorm2 = 0.0;
    for (int64_t i = k; i < m; ++i) vnorm2 += a(i, k) * a(i, k);
    for (int64_t j = k + 1; j < n; ++j) {
      double dot = 0.0;
      for (int64_t i = k; i < m; ++i) dot += a(i, k) * a(i, j);
      const double f = 2.0 * dot / vnorm2;
      for (int64_t i = k; i < m; ++i) a(i, j) -= f * a(i, k);
    }
    head[k] = vnorm2;
    diag[k] = alpha;
  }
  return true;
}

// y <- Q^T y (transpose = true) or Q y for the reflectors stored in qr.
void apply_q(const Matrix& qr, const std::vector<double>& vnorm2, Matrix& y, bool transpose) {
  const int64_t m = qr.rows, n = qr.cols;
  for (int64_t step = 0; step < n; ++step) {
    const int64_t k = transpose ? step : n - 1 - step;
    for (int64_t j = 0; j < y.cols; ++j) {
      double dot = 0.0;
      for (int64_t i = k; i < m; ++i) dot += qr(i, k) * y(i, j);
      const double f = 2.0 * dot / vnorm2[k];
      for (int64_t i = k; i < m; ++i) y(i, j) -= f * qr(i, k);
    }
  }
}

}  // namespace

Matrix lstsq(const Matrix& a, const Matrix& b, const std::string& who) {
  MZ_ASSERT(a.rows == b.rows, "lstsq rows ", a.rows, " vs ", b.rows);
  const bool tall = a.rows >= a.cols;
  Matrix qr = tall ? a : transpose(a);
  std::vector<double> vnorm2, diag;
  if (!householder(qr, vnorm2, diag))
    throw ValueError(str(who, ": the least-squares system is rank deficient: expected ",
                         std::min(a.rows, a.cols), " independent columns, got fewer (",
                         "duplicate inputs, or a spread so large that the basis functions coincide)."));
  const int64_t n = qr.cols;
  if (tall) {
    Matrix y = b;
    apply_q(qr, vnorm2, y, true);
    Matrix x(n, b.cols);
    for (int64_t j = 0; j < b.cols; ++j)
      for (int64_t i = n - 1; i >= 0; --i) {
        double s = y(i, j);
        for (int64_t k = i + 1; k < n; ++k) s -= qr(i, k) * x(k, j);
        x(i, j) = s / diag[i];
      }
    return x;
  }
  // A^T = Q R: A = R^T Q^T, minimum-norm X = Q [R^-T B; 0].
  Matrix y(qr.rows, b.cols);
  for (int64_t j = 0; j < b.cols; ++j)
    for (int64_t i = 0; i < n; ++i) {
      double s = b(i, j);
      for (int64_t k = 0; k < i; ++k) s -= qr(k, i) * y(k, j);
      y(i, j) = s / diag[i];
    }
  apply_q(qr, vnorm2, y, false);
  return y;
}

void symmetric_eigen(const Matrix& a, std::vector<double>& values, Matrix& vectors) {
  const int64_t n = a.rows;
  Matrix m = a;
  Matrix v(n, n);
  for (int64_t i = 0; i < n; ++i) v(i, i) = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (int64_t p = 0; p < n; ++p)
      for (int64_t q = p + 1; q < n; ++q) off += m(p, q) * m(p, q);
    if (off < 1e-30) break;
    for (int64_t p = 0; p < n; ++p)
      for (int64_t q = p + 1; q < n; ++q) {
        if (std::abs(m(p, q)) < 1e-300) continue;
        const double theta = (m(q, q) - m(p, p)) / (2.0 * m(p, q));
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (int64_t k = 0; k < n; ++k) {
          const double mkp = m(k, p), mkq = m(k, q);
          m(k, p) = c * mkp - s * mkq;
          m(k, q) = s * mkp + c * mkq;
        }
        for (int64_t k = 0; k < n; ++k) {
          const double mpk = m(p, k), mqk = m(q, k);
          m(p, k) = c * mpk - s * mqk;
          m(q, k) = s * mpk + c * mqk;
        }
        for (int64_t k = 0; k < n; ++k) {
          const double vkp = v(k, p), vkq = v(k, q);
          v(k, p) = c * vkp - s * vkq;
          v(k, q) = s * vkp + c * vkq;
        }
      }
  }
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return m(x, x) > m(y, y); });
  values.assign(n, 0.0);
  vectors = Matrix(n, n);
  for (int64_t j = 0; j < n; ++j) {
    values[j] = m(order[j], order[j]);
    for (int64_t i = 0; i < n; ++i) vectors(i, j) = v(i, order[j]);
  }
}

double distance2(const double* a, const double* b, int64_t n) {
  double s = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

double distance(const double* a, const double* b, int64_t n) { return std::sqrt(distance2(a, b, n)); }

}  // namespace mz::classic::la
