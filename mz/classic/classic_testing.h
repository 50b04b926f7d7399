// Test-only helpers for mz/classic: the vendored iris data (tests/golden/classic/iris.csv, a
// copy of scikit-learn 1.2.1's sklearn/datasets/data/iris.csv) and z-scoring.
#pragma once

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mz/ops/creation.h"

namespace mz::classic::testing {

struct Dataset {
  std::vector<double> x;     // row-major (n, d)
  std::vector<int> label;    // (n,)
  int64_t n = 0, d = 0;
};

// Iris from the vendored CSV (header "150,4,setosa,versicolor,virginica").
inline Dataset iris() {
  std::ifstream in(std::string(MZ_GOLDEN_DIR) + "/classic/iris.csv");
  Dataset out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    for (int k = 0; k < 4; ++k) out.x.push_back(row[k]);
    out.label.push_back(static_cast<int>(row[4]));
    ++out.n;
  }
  out.d = 4;
  return out;
}

// Columns scaled to zero mean and unit (population, ddof 0) standard deviation.
inline Dataset zscore(Dataset data) {
  for (int64_t k = 0; k < data.d; ++k) {
    double m = 0, s = 0;
    for (int64_t i = 0; i < data.n; ++i) m += data.x[i * data.d + k];
    m /= static_cast<double>(data.n);
    for (int64_t i = 0; i < data.n; ++i) s += std::pow(data.x[i * data.d + k] - m, 2);
    s = std::sqrt(s / static_cast<double>(data.n));
    for (int64_t i = 0; i < data.n; ++i) data.x[i * data.d + k] = (data.x[i * data.d + k] - m) / s;
  }
  return data;
}

// Mackey-Glass dx/dt = 0.2 x(t-17) / (1 + x(t-17)^10) - 0.1 x(t), x(0) = 1.2, x(t<0) = 0,
// RK4 with step 0.1, the half-step delayed value linearly interpolated; values at t = 0..t_max.
inline std::vector<double> mackey_glass(int t_max) {
  const double h = 0.1;
  const int per = 10, lag = 170;
  std::vector<double> x(static_cast<std::size_t>(t_max * per + 1), 0.0);
  x[0] = 1.2;
  auto delayed = [&](int i) { return i - lag >= 0 ? x[i - lag] : 0.0; };
  auto f = [](double xt, double xd) { return 0.2 * xd / (1 + std::pow(xd, 10)) - 0.1 * xt; };
  for (int i = 0; i + 1 < static_cast<int>(x.size()); ++i) {
    const double d0 = delayed(i), d1 = delayed(i + 1), dh = 0.5 * (d0 + d1);
    const double k1 = f(x[i], d0), k2 = f(x[i] + 0.5 * h * k1, dh), k3 = f(x[i] + 0.5 * h * k2, dh),
                 k4 = f(x[i] + h * k3, d1);
    x[i + 1] = x[i] + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  std::vector<double> out(static_cast<std::size_t>(t_max + 1));
  for (int t = 0; t <= t_max; ++t) out[t] = x[t * per];
  return out;
}

inline Tensor as_tensor(const Dataset& data) { return mz::tensor(data.x, Shape{data.n, data.d}); }

}  // namespace mz::classic::testing
