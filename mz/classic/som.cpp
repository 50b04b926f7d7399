// SelfOrganizingMap (see som.h): Kohonen 1982; schedules as MiniSom and SOM Toolbox.
#include "mz/classic/som.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "mz/core/error.h"

namespace mz::classic {

namespace {
const double kHexRow = std::sqrt(3.0) / 2.0;
}

SelfOrganizingMap::SelfOrganizingMap(int64_t rows, int64_t cols, int64_t input_dim,
                                     SelfOrganizingMapOptions options)
    : rows_(rows), cols_(cols), dim_(input_dim), options_(std::move(options)), gen_(options_.seed) {
  const char* who = "SelfOrganizingMap";
  if (rows < 1 || cols < 1 || input_dim < 1)
    throw ValueError(str(who, ": rows, cols and input_dim must be positive: expected >= 1, got (",
                         rows, ", ", cols, ", ", input_dim, ")."));
  if (options_.topology != "rectangular" && options_.topology != "hexagonal")
    throw ValueError(str(who, ": topology must be \"rectangular\" or \"hexagonal\", got \"",
                         options_.topology, "\"."));
  if (options_.neighborhood != "gaussian" && options_.neighborhood != "bubble" &&
      options_.neighborhood != "mexican_hat")
    throw ValueError(str(who, ": neighborhood must be \"gaussian\", \"bubble\" or \"mexican_hat\", got \"",
                         options_.neighborhood, "\"."));
  if (options_.decay != "asymptotic" && options_.decay != "linear" && options_.decay != "exponential")
    throw ValueError(str(who, ": decay must be \"asymptotic\", \"linear\" or \"exponential\", got \"",
                         options_.decay, "\"."));
  if (!(options_.sigma > 0) || !(options_.final_sigma > 0))
    throw ValueError(str(who, ": sigma must be positive: expected > 0, got ", options_.sigma,
                         " (final_sigma ", options_.final_sigma, ")."));
  if (!(options_.learning_rate > 0) || !(options_.final_learning_rate > 0))
    throw ValueError(str(who, ": learning_rate must be positive: expected > 0, got ",
                         options_.learning_rate, " (final_learning_rate ",
                         options_.final_learning_rate, ")."));
  w_ = la::Matrix(rows * cols, input_dim);
  for (double& x : w_.v) x = gen_.uniform();
}

Tensor SelfOrganizingMap::weights() const { return la::to_tensor(w_.v, Shape{rows_, cols_, dim_}); }

void SelfOrganizingMap::set_weights(const Tensor& weights) {
  if (!(weights.shape() == Shape{rows_, cols_, dim_}))
    throw ShapeError(str("SelfOrganizingMap.set_weights: weights must be (rows, cols, input_dim): expected (",
                         rows_, ", ", cols_, ", ", dim_, "), got ", weights.shape(), "."));
  w_.v = weights.to_vector<double>();
}

std::pair<double, double> SelfOrganizingMap::position(int64_t unit) const {
  const int64_t r = unit / cols_, c = unit % cols_;
  if (options_.topology == "hexagonal") return {c + 0.5 * static_cast<double>(r % 2), r * kHexRow};
  return {static_cast<double>(c), static_cast<double>(r)};
}

double SelfOrganizingMap::grid_distance(int64_t a, int64_t b) const {
  auto [xa, ya] = position(a);
  auto [xb, yb] = position(b);
  return std::hypot(xa - xb, ya - yb);
}

bool SelfOrganizingMap::adjacent(int64_t a, int64_t b) const {
  const double d = grid_distance(a, b);
  return options_.topology == "hexagonal" ? d < 1.0 + 1e-9 : d < 1.42;
}

double SelfOrganizingMap::neighborhood(double d, double sigma) const {
  const double d2 = d * d;
  if (options_.neighborhood == "bubble") return d <= sigma ? 1.0 : 0.0;
  if (options_.neighborhood == "mexican_hat") {
    const double s = 2.0 * sigma * sigma;
    return std::exp(-d2 / s) * (1.0 - 2.0 / s * d2);
  }
  return std::exp(-d2 / (2.0 * sigma * sigma));
}

double SelfOrganizingMap::schedule(double start, double end, int64_t t, int64_t total) const {
  const double frac = total > 1 ? static_cast<double>(t) / static_cast<double>(total - 1) : 0.0;
  if (options_.decay == "linear") return start + (end - start) * frac;
  if (options_.decay == "exponential") return start * std::pow(end / start, frac);
  return start / (1.0 + static_cast<double>(t) / (static_cast<double>(total) / 2.0));
}

la::Matrix SelfOrganizingMap::data_matrix(const Tensor& data, const char* who) const {
  la::Matrix x = la::from_tensor(data, who, "data");
  if (x.cols != dim_)
    throw ShapeError(str(who, ": data has ", x.cols, " features per sample, but the map was built for ",
                         dim_, ": expected (n, ", dim_, "), got (", x.rows, ", ", x.cols, ")."));
  return x;
}

int64_t SelfOrganizingMap::bmu(const double* x) const {
  int64_t best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (int64_t u = 0; u < w_.rows; ++u) {
    const double d = la::distance2(x, w_.row(u), dim_);
    if (d < best_d) best_d = d, best = u;
  }
  return best;
}

void SelfOrganizingMap::random_init(const Tensor& data) {
  la::Matrix x = data_matrix(data, "SelfOrganizingMap.random_init");
  for (int64_t u = 0; u < w_.rows; ++u) {
    const int64_t j = static_cast<int64_t>(gen_.below(static_cast<uint64_t>(x.rows)));
    std::copy(x.row(j), x.row(j) + dim_, w_.row(u));
  }
}

void SelfOrganizingMap::pca_init(const Tensor& data) {
  const char* who = "SelfOrganizingMap.pca_init";
  la::Matrix x = data_matrix(data, who);
  if (dim_ < 2 || x.rows < 2)
    throw ValueError(str(who, ": needs at least 2 features and 2 samples: expected >= 2, got ", dim_,
                         " features and ", x.rows, " samples."));
  std::vector<double> mean(dim_, 0.0);
  for (int64_t i = 0; i < x.rows; ++i)
    for (int64_t k = 0; k < dim_; ++k) mean[k] += x(i, k) / static_cast<double>(x.rows);
  la::Matrix cov(dim_, dim_);
  for (int64_t i = 0; i < x.rows; ++i)
    for (int64_t a = 0; a < dim_; ++a)
      for (int64_t b = 0; b < dim_; ++b)
        cov(a, b) += (x(i, a) - mean[a]) * (x(i, b) - mean[b]) / static_cast<double>(x.rows - 1);
  std::vector<double> values;
  la::Matrix vectors;
  la::symmetric_eigen(cov, values, vectors);
  auto lin = [](int64_t i, int64_t n) { return n > 1 ? -1.0 + 2.0 * i / static_cast<double>(n - 1) : 0.0; };
  for (int64_t r = 0; r < rows_; ++r)
    for (int64_t c = 0; c < cols_; ++c)
      for (int64_t k = 0; k < dim_; ++k)
        w_(r * cols_ + c, k) = mean[k] + lin(r, rows_) * vectors(k, 0) + lin(c, cols_) * vectors(k, 1);
}

void SelfOrganizingMap::train(const Tensor& data, SomTrainOptions options) {
  const char* who = "SelfOrganizingMap.train";
  la::Matrix x = data_matrix(data, who);
  if (options.order != "random" && options.order != "sequential")
    throw ValueError(str(who, ": order must be \"random\" or \"sequential\", got \"", options.order, "\"."));
  if (options.steps < 1)
    throw ValueError(str(who, ": steps must be positive: expected >= 1, got ", options.steps, "."));
  const int64_t units = w_.rows;
  std::vector<double> h(units);
  for (int64_t t = 0; t < options.steps; ++t) {
    const int64_t j = options.order == "random"
                          ? static_cast<int64_t>(gen_.below(static_cast<uint64_t>(x.rows)))
                          : t % x.rows;
    const double* xj = x.row(j);
    const int64_t c = bmu(xj);
    const double sigma = schedule(options_.sigma, options_.final_sigma, t, options.steps);
    const double lr = schedule(options_.learning_rate, options_.final_learning_rate, t, options.steps);
    for (int64_t u = 0; u < units; ++u) {
      const double g = lr * neighborhood(grid_distance(c, u), sigma);
      if (g == 0.0) continue;
      double* wu = w_.row(u);
      for (int64_t k = 0; k < dim_; ++k) wu[k] += g * (xj[k] - wu[k]);
    }
  }
}

void SelfOrganizingMap::train_batch(const Tensor& data, int64_t epochs) {
  const char* who = "SelfOrganizingMap.train_batch";
  la::Matrix x = data_matrix(data, who);
  if (epochs < 1) throw ValueError(str(who, ": epochs must be positive: expected >= 1, got ", epochs, "."));
  const int64_t units = w_.rows;
  std::vector<int64_t> win(x.rows);
  for (int64_t e = 0; e < epochs; ++e) {
    const double sigma = schedule(options_.sigma, options_.final_sigma, e, epochs);
    for (int64_t j = 0; j < x.rows; ++j) win[j] = bmu(x.row(j));
    la::Matrix num(units, dim_);
    std::vector<double> den(units, 0.0);
    for (int64_t j = 0; j < x.rows; ++j)
      for (int64_t u = 0; u < units; ++u) {
        const double h = neighborhood(grid_distance(win[j], u), sigma);
        if (h == 0.0) continue;
        den[u] += h;
        for (int64_t k = 0; k < dim_; ++k) num(u, k) += h * x(j, k);
      }
    for (int64_t u = 0; u < units; ++u)
      if (den[u] > 1e-12)
        for (int64_t k = 0; k < dim_; ++k) w_(u, k) = num(u, k) / den[u];
  }
}

std::vector<int64_t> SelfOrganizingMap::winners(const Tensor& data) const {
  la::Matrix x = data_matrix(data, "SelfOrganizingMap.winners");
  std::vector<int64_t> out(x.rows);
  for (int64_t j = 0; j < x.rows; ++j) out[j] = bmu(x.row(j));
  return out;
}

double SelfOrganizingMap::quantization_error(const Tensor& data) const {
  la::Matrix x = data_matrix(data, "SelfOrganizingMap.quantization_error");
  double sum = 0.0;
  for (int64_t j = 0; j < x.rows; ++j) sum += la::distance(x.row(j), w_.row(bmu(x.row(j))), dim_);
  return sum / static_cast<double>(x.rows);
}

double SelfOrganizingMap::topographic_error(const Tensor& data) const {
  la::Matrix x = data_matrix(data, "SelfOrganizingMap.topographic_error");
  if (w_.rows < 2) return 0.0;
  int64_t bad = 0;
  for (int64_t j = 0; j < x.rows; ++j) {
    int64_t first = -1, second = -1;
    double d1 = std::numeric_limits<double>::infinity(), d2 = d1;
    for (int64_t u = 0; u < w_.rows; ++u) {
      const double d = la::distance2(x.row(j), w_.row(u), dim_);
      if (d < d1) {
        second = first, d2 = d1;
        first = u, d1 = d;
      } else if (d < d2) {
        second = u, d2 = d;
      }
    }
    if (!adjacent(first, second)) ++bad;
  }
  return static_cast<double>(bad) / static_cast<double>(x.rows);
}

Tensor SelfOrganizingMap::u_matrix() const {
  std::vector<double> out(w_.rows, 0.0);
  for (int64_t u = 0; u < w_.rows; ++u) {
    const int64_t r = u / cols_, c = u % cols_;
    double sum = 0.0;
    int count = 0;
    for (int64_t dr = -1; dr <= 1; ++dr)
      for (int64_t dc = -1; dc <= 1; ++dc) {
        const int64_t rr = r + dr, cc = c + dc;
        if ((dr == 0 && dc == 0) || rr < 0 || cc < 0 || rr >= rows_ || cc >= cols_) continue;
        const int64_t v = rr * cols_ + cc;
        if (!adjacent(u, v)) continue;
        sum += la::distance(w_.row(u), w_.row(v), dim_);
        ++count;
      }
    out[u] = count > 0 ? sum / count : 0.0;
  }
  return la::to_tensor(out, Shape{rows_, cols_});
}

Tensor SelfOrganizingMap::hit_map(const Tensor& data) const {
  std::vector<double> hits(w_.rows, 0.0);
  for (int64_t u : winners(data)) hits[u] += 1.0;
  return la::to_tensor(hits, Shape{rows_, cols_});
}

Tensor SelfOrganizingMap::component_planes() const {
  std::vector<double> out(dim_ * w_.rows);
  for (int64_t k = 0; k < dim_; ++k)
    for (int64_t u = 0; u < w_.rows; ++u) out[k * w_.rows + u] = w_(u, k);
  return la::to_tensor(out, Shape{dim_, rows_, cols_});
}

}  // namespace mz::classic
