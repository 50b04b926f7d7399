// CellularNetwork (see cellular.h): Chua & Yang, IEEE CAS 35 (1988).
#include "mz/classic/cellular.h"

#include <algorithm>
#include <cmath>

#include "mz/classic/linalg.h"
#include "mz/core/error.h"

namespace mz::classic {

CellularTemplate cellular_template(const std::string& name) {
  const std::vector<double> b_edge = {-1, -1, -1, -1, 8, -1, -1, -1, -1};
  if (name == "edge") return {{0, 0, 0, 0, 1, 0, 0, 0, 0}, b_edge, -1.0, 1};
  if (name == "grey_edge") return {{0, 0, 0, 0, 2, 0, 0, 0, 0}, b_edge, -0.5, 1};
  if (name == "corner") return {{0, 0, 0, 0, 2, 0, 0, 0, 0}, b_edge, -8.5, 1};
  throw ValueError(str("cellular_template: unknown template: expected \"edge\", \"grey_edge\" or \"corner\", got \"",
                       name, "\"."));
}

CellularNetwork::CellularNetwork(CellularTemplate templ, CellularNetworkOptions options)
    : t_(std::move(templ)), options_(std::move(options)) {
  const char* who = "CellularNetwork";
  if (t_.radius < 1) throw ValueError(str(who, ": radius must be positive: expected >= 1, got ", t_.radius, "."));
  const std::size_t k = static_cast<std::size_t>((2 * t_.radius + 1) * (2 * t_.radius + 1));
  if (t_.a.size() != k || t_.b.size() != k)
    throw ShapeError(str(who, ": templates A and B must have (2r+1)^2 = ", k, " entries for r = ", t_.radius,
                         ": expected ", k, ", got ", t_.a.size(), " and ", t_.b.size(), "."));
  if (options_.method != "euler" && options_.method != "rk4")
    throw ValueError(str(who, ": method must be \"euler\" or \"rk4\", got \"", options_.method, "\"."));
  if (!(options_.dt > 0) || !(options_.t_end > 0))
    throw ValueError(str(who, ": dt and t_end must be positive: expected > 0, got dt ", options_.dt,
                         ", t_end ", options_.t_end, "."));
}

// (|x + 1| - |x - 1|) / 2 written as a clip, so saturated outputs are exactly +-1.
double CellularNetwork::output(double x) { return x >= 1.0 ? 1.0 : (x <= -1.0 ? -1.0 : x); }

void CellularNetwork::derivative(const std::vector<double>& x, const std::vector<double>& bu, int64_t m,
                                 int64_t n, std::vector<double>& dx) const {
  const int r = t_.radius, w = 2 * r + 1;
  std::vector<double> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = output(x[i]);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = -x[i * n + j] + bu[i * n + j];
      for (int di = -r; di <= r; ++di)
        for (int dj = -r; dj <= r; ++dj) {
          const double a = t_.a[(di + r) * w + (dj + r)];
          if (a == 0.0) continue;
          const int64_t ii = i + di, jj = j + dj;
          const bool inside = ii >= 0 && jj >= 0 && ii < m && jj < n;
          s += a * (inside ? y[ii * n + jj] : options_.boundary);
        }
      dx[i * n + j] = s;
    }
}

CellularRun CellularNetwork::run(const Tensor& input, const Tensor& initial_state) const {
  const char* who = "CellularNetwork.run";
  if (!input.defined() || input.rank() != 2)
    throw ShapeError(str(who, ": input must be an image (M, N): expected rank 2, got ",
                         input.defined() ? input.shape() : Shape{}, "."));
  la::Matrix u = la::from_tensor(input, who, "input");
  const int64_t m = u.rows, n = u.cols;
  std::vector<double> x(m * n, 0.0);
  if (initial_state.defined()) {
    if (!(initial_state.shape() == input.shape()))
      throw ShapeError(str(who, ": initial_state must match the input: expected ", input.shape(), ", got ",
                           initial_state.shape(), "."));
    x = initial_state.to_vector<double>();
  }
  // The control term B*u + z is constant in time.
  const int r = t_.radius, w = 2 * r + 1;
  std::vector<double> bu(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = t_.z;
      for (int di = -r; di <= r; ++di)
        for (int dj = -r; dj <= r; ++dj) {
          const int64_t ii = i + di, jj = j + dj;
          const bool inside = ii >= 0 && jj >= 0 && ii < m && jj < n;
          s += t_.b[(di + r) * w + (dj + r)] * (inside ? u(ii, jj) : options_.boundary);
        }
      bu[i * n + j] = s;
    }
  CellularRun out;
  const double dt = options_.dt;
  const int64_t steps = static_cast<int64_t>(std::llround(options_.t_end / dt));
  std::vector<double> k1(m * n), k2(m * n), k3(m * n), k4(m * n), tmp(m * n);
  for (int64_t s = 0; s < steps; ++s) {
    derivative(x, bu, m, n, k1);
    double speed = 0.0;
    for (double d : k1) speed = std::max(speed, std::abs(d));
    if (options_.tolerance > 0 && speed < options_.tolerance) break;
    if (options_.method == "euler") {
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += dt * k1[i];
    } else {
      for (std::size_t i = 0; i < x.size(); ++i) tmp[i] = x[i] + 0.5 * dt * k1[i];
      derivative(tmp, bu, m, n, k2);
      for (std::size_t i = 0; i < x.size(); ++i) tmp[i] = x[i] + 0.5 * dt * k2[i];
      derivative(tmp, bu, m, n, k3);
      for (std::size_t i = 0; i < x.size(); ++i) tmp[i] = x[i] + dt * k3[i];
      derivative(tmp, bu, m, n, k4);
      for (std::size_t i = 0; i < x.size(); ++i) x[i] += dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
    ++out.steps;
  }
  std::vector<double> y(x.size());
  out.saturated = true;
  for (std::size_t i = 0; i < x.size(); ++i) {
    y[i] = output(x[i]);
    if (std::abs(y[i]) != 1.0) out.saturated = false;
  }
  out.time = static_cast<double>(out.steps) * dt;
  out.output = la::to_tensor(y, Shape{m, n});
  out.state = la::to_tensor(x, Shape{m, n});
  return out;
}

}  // namespace mz::classic
