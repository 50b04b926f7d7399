// Error functions: values and per-sample derivatives, as neurolab.error computes them.
#include "mz/classic/neurolab/error.h"

#include <cmath>
#include <limits>

#include "mz/core/error.h"

namespace mz::classic::nl {

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();  // np.spacing(1) = 2^-52
double sign(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }
double clip(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }
}  // namespace

const char* ErrorFn::name() const {
  switch (kind_) {
    case ErrorKind::sse: return "SSE";
    case ErrorKind::sae: return "SAE";
    case ErrorKind::mse: return "MSE";
    case ErrorKind::mae: return "MAE";
    case ErrorKind::cee: return "CEE";
  }
  return "?";
}

double ErrorFn::operator()(const Matrix& target, const Matrix& output) const {
  if (target.rows() != output.rows() || target.cols() != output.cols())
    throw ShapeError(str(name(), ": target and output shapes differ: expected ",
                         target.shape_str(), ", got ", output.shape_str(), "."));
  return value(target.data(), output.data(), target.size());
}

double ErrorFn::value(const double* t, const double* o, std::size_t n) const {
  double v = 0;
  switch (kind_) {
    case ErrorKind::sse:
    case ErrorKind::mse:
      for (std::size_t i = 0; i < n; ++i) v += (t[i] - o[i]) * (t[i] - o[i]);
      return kind_ == ErrorKind::sse ? 0.5 * v : v / static_cast<double>(n);
    case ErrorKind::sae:
    case ErrorKind::mae:
      for (std::size_t i = 0; i < n; ++i) v += std::abs(t[i] - o[i]);
      return kind_ == ErrorKind::sae ? v : v / static_cast<double>(n);
    case ErrorKind::cee:
      for (std::size_t i = 0; i < n; ++i) {
        double y = clip(o[i], kEps, 1 - kEps), tt = clip(t[i], kEps, 1 - kEps);
        v += tt * std::log(y) + (1 - tt) * std::log(1 - y);
      }
      return -v / static_cast<double>(n);
  }
  return v;
}

void ErrorFn::deriv(const double* t, const double* o, int m, double* d) const {
  switch (kind_) {
    case ErrorKind::sse:
      for (int i = 0; i < m; ++i) d[i] = t[i] - o[i];
      break;
    case ErrorKind::sae:
      for (int i = 0; i < m; ++i) d[i] = sign(t[i] - o[i]);
      break;
    case ErrorKind::mse:
      for (int i = 0; i < m; ++i) d[i] = (t[i] - o[i]) * (2.0 / m);
      break;
    case ErrorKind::mae:
      for (int i = 0; i < m; ++i) d[i] = sign(t[i] - o[i]) / m;
      break;
    case ErrorKind::cee:
      for (int i = 0; i < m; ++i) {
        double y = clip(o[i], 0.0, 1.0), tt = clip(t[i], 0.0, 1.0);
        d[i] = (tt / (y + kEps) - (1 - tt) / (1 - y + kEps)) / m;
      }
      break;
  }
}

}  // namespace mz::classic::nl
