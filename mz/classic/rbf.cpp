// RadialBasisNetwork (see rbf.h): MATLAB newrbe/newrb semantics, Moody & Darken k-means RBF.
#include "mz/classic/rbf.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mz/core/error.h"
#include "mz/core/generator.h"

namespace mz::classic {

namespace {

std::pair<la::Matrix, la::Matrix> design_data(const Tensor& x, const Tensor& t, const char* who) {
  la::Matrix a = la::from_tensor(x, who, "x"), b = la::from_tensor(t, who, "t");
  if (x.rank() == 1) a = la::transpose(a);  // a 1-D x is one feature per sample
  if (t.rank() == 1) b = la::transpose(b);
  if (a.rows != b.rows)
    throw ShapeError(str(who, ": x and t must have one row per sample: expected t with ", a.rows,
                         " rows, got ", b.rows, "."));
  return {a, b};
}

void check_spread(double spread, const char* who) {
  if (!(spread > 0))
    throw ValueError(str(who, ": spread must be positive: expected > 0, got ", spread, "."));
}

}  // namespace

RadialBasisNetwork::RadialBasisNetwork(const Tensor& centers, const Tensor& biases, const Tensor& weights,
                                       const Tensor& output_bias) {
  const char* who = "RadialBasisNetwork";
  c_ = la::from_tensor(centers, who, "centers");
  w_ = la::from_tensor(weights, who, "weights");
  b_ = biases.to_vector<double>();
  out_bias_ = output_bias.to_vector<double>();
  if (static_cast<int64_t>(b_.size()) != c_.rows || w_.rows != c_.rows ||
      static_cast<int64_t>(out_bias_.size()) != w_.cols)
    throw ShapeError(str(who, ": centers (K, d), biases (K,), weights (K, o), output_bias (o,) must agree: got ",
                         centers.shape(), ", ", biases.shape(), ", ", weights.shape(), ", ", output_bias.shape(),
                         "."));
}

la::Matrix RadialBasisNetwork::hidden(const la::Matrix& x) const {
  la::Matrix a(x.rows, c_.rows);
  for (int64_t i = 0; i < x.rows; ++i)
    for (int64_t k = 0; k < c_.rows; ++k) {
      const double n = b_[k] * la::distance(x.row(i), c_.row(k), c_.cols);
      a(i, k) = std::exp(-n * n);
    }
  return a;
}

void RadialBasisNetwork::solve_output(const la::Matrix& x, const la::Matrix& t, const char* who) {
  la::Matrix a = hidden(x);
  la::Matrix a1(a.rows, a.cols + 1, 1.0);
  for (int64_t i = 0; i < a.rows; ++i)
    for (int64_t k = 0; k < a.cols; ++k) a1(i, k) = a(i, k);
  la::Matrix sol = la::lstsq(a1, t, who);  // (K + 1, o)
  w_ = la::Matrix(a.cols, t.cols);
  out_bias_.assign(t.cols, 0.0);
  for (int64_t k = 0; k < a.cols; ++k)
    for (int64_t j = 0; j < t.cols; ++j) w_(k, j) = sol(k, j);
  for (int64_t j = 0; j < t.cols; ++j) out_bias_[j] = sol(a.cols, j);
}

RadialBasisNetwork RadialBasisNetwork::exact(const Tensor& x, const Tensor& t, double spread) {
  const char* who = "newrbe";
  check_spread(spread, who);
  auto [a, b] = design_data(x, t, who);
  RadialBasisNetwork net;
  net.c_ = a;
  net.b_.assign(a.rows, kRadbasHalf / spread);
  net.solve_output(a, b, who);
  return net;
}

RadialBasisNetwork RadialBasisNetwork::grow(const Tensor& x, const Tensor& t, RbfGrowOptions options) {
  const char* who = "newrb";
  check_spread(options.spread, who);
  auto [a, b] = design_data(x, t, who);
  const int64_t limit = options.max_neurons > 0 ? std::min(options.max_neurons, a.rows) : a.rows;
  if (options.max_neurons < 0)
    throw ValueError(str(who, ": max_neurons must be >= 0 (0: one per sample), got ", options.max_neurons, "."));
  RadialBasisNetwork net;
  net.c_ = la::Matrix(0, a.cols);
  net.w_ = la::Matrix(0, b.cols);
  net.out_bias_.assign(b.cols, 0.0);
  for (int64_t j = 0; j < b.cols; ++j) {  // no neurons: the output is the mean target
    for (int64_t i = 0; i < b.rows; ++i) net.out_bias_[j] += b(i, j);
    net.out_bias_[j] /= static_cast<double>(b.rows);
  }
  std::vector<bool> used(a.rows, false);
  const double bias = kRadbasHalf / options.spread;
  while (true) {
    la::Matrix y = la::from_tensor(net.predict(la::to_tensor(a)), who, "prediction");
    double mse = 0.0, worst = -1.0;
    int64_t pick = -1;
    for (int64_t i = 0; i < a.rows; ++i) {
      double e = 0.0;
      for (int64_t j = 0; j < b.cols; ++j) e += (b(i, j) - y(i, j)) * (b(i, j) - y(i, j));
      mse += e;
      if (!used[i] && e > worst) worst = e, pick = i;
    }
    mse /= static_cast<double>(a.rows * b.cols);
    if (net.c_.rows > 0) net.history_.push_back(mse);
    if (mse <= options.goal || net.c_.rows >= limit || pick < 0) break;
    used[pick] = true;
    net.c_.v.insert(net.c_.v.end(), a.row(pick), a.row(pick) + a.cols);
    ++net.c_.rows;
    net.b_.push_back(bias);
    net.solve_output(a, b, who);
  }
  return net;
}

RadialBasisNetwork RadialBasisNetwork::kmeans(const Tensor& x, const Tensor& t, RbfKMeansOptions options) {
  const char* who = "RadialBasisNetwork.kmeans";
  auto [a, b] = design_data(x, t, who);
  const int64_t k = options.centers;
  if (k < 2 || k > a.rows)
    throw ValueError(str(who, ": centers must be between 2 and the number of samples: expected 2..", a.rows,
                         ", got ", k, "."));
  if (!(options.width_scale > 0))
    throw ValueError(str(who, ": width_scale must be positive: expected > 0, got ", options.width_scale, "."));
  Generator gen(options.seed);
  const int64_t d = a.cols;
  // k-means++ seeding.
  la::Matrix c(k, d);
  std::vector<double> best(a.rows, std::numeric_limits<double>::infinity());
  int64_t first = static_cast<int64_t>(gen.below(static_cast<uint64_t>(a.rows)));
  std::copy(a.row(first), a.row(first) + d, c.row(0));
  for (int64_t m = 1; m < k; ++m) {
    double total = 0.0;
    for (int64_t i = 0; i < a.rows; ++i) {
      best[i] = std::min(best[i], la::distance2(a.row(i), c.row(m - 1), d));
      total += best[i];
    }
    double r = gen.uniform() * total;
    int64_t pick = a.rows - 1;
    for (int64_t i = 0; i < a.rows; ++i) {
      r -= best[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
    std::copy(a.row(pick), a.row(pick) + d, c.row(m));
  }
  // Lloyd iterations.
  std::vector<int64_t> assign(a.rows, -1);
  for (int64_t it = 0; it < options.iterations; ++it) {
    bool changed = false;
    for (int64_t i = 0; i < a.rows; ++i) {
      int64_t arg = 0;
      double dmin = std::numeric_limits<double>::infinity();
      for (int64_t m = 0; m < k; ++m) {
        const double dd = la::distance2(a.row(i), c.row(m), d);
        if (dd < dmin) dmin = dd, arg = m;
      }
      if (arg != assign[i]) assign[i] = arg, changed = true;
    }
    if (!changed) break;
    la::Matrix sum(k, d);
    std::vector<int64_t> count(k, 0);
    for (int64_t i = 0; i < a.rows; ++i) {
      ++count[assign[i]];
      for (int64_t j = 0; j < d; ++j) sum(assign[i], j) += a(i, j);
    }
    for (int64_t m = 0; m < k; ++m)
      if (count[m] > 0)
        for (int64_t j = 0; j < d; ++j) c(m, j) = sum(m, j) / static_cast<double>(count[m]);
  }
  RadialBasisNetwork net;
  net.c_ = c;
  net.b_.resize(k);
  for (int64_t m = 0; m < k; ++m) {
    double dmin = std::numeric_limits<double>::infinity();
    for (int64_t q = 0; q < k; ++q)
      if (q != m) dmin = std::min(dmin, la::distance(c.row(m), c.row(q), d));
    const double sigma = options.width_scale * std::max(dmin, 1e-12);
    net.b_[m] = 1.0 / (sigma * std::sqrt(2.0));  // exp(-(b r)^2) = exp(-r^2 / (2 sigma^2))
  }
  net.solve_output(a, b, who);
  return net;
}

Tensor RadialBasisNetwork::predict(const Tensor& x) const {
  const char* who = "RadialBasisNetwork.predict";
  la::Matrix a = la::from_tensor(x, who, "x");
  if (x.rank() == 1 && c_.cols == 1) a = la::transpose(a);
  if (a.cols != c_.cols)
    throw ShapeError(str(who, ": x has ", a.cols, " features per sample, but the centres have ", c_.cols,
                         ": expected (n, ", c_.cols, "), got (", a.rows, ", ", a.cols, ")."));
  la::Matrix h = hidden(a);
  la::Matrix y(a.rows, w_.cols);
  for (int64_t i = 0; i < a.rows; ++i)
    for (int64_t j = 0; j < w_.cols; ++j) {
      double s = out_bias_[j];
      for (int64_t k = 0; k < c_.rows; ++k) s += h(i, k) * w_(k, j);
      y(i, j) = s;
    }
  return la::to_tensor(y);
}

RadialBasisNetwork newrbe(const Tensor& x, const Tensor& t, double spread) {
  return RadialBasisNetwork::exact(x, t, spread);
}

RadialBasisNetwork newrb(const Tensor& x, const Tensor& t, RbfGrowOptions options) {
  return RadialBasisNetwork::grow(x, t, options);
}

}  // namespace mz::classic
