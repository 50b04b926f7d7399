// HopfieldTank (see hopfield_tank.h): Hopfield & Tank 1985; Wilson & Pawley 1988.
#include "mz/classic/hopfield_tank.h"

#include <cmath>

#include "mz/core/error.h"
#include "mz/core/generator.h"

namespace mz::classic {

HopfieldTank::HopfieldTank(const Tensor& cities) {
  const char* who = "HopfieldTank";
  la::Matrix c = la::from_tensor(cities, who, "cities");
  if (c.cols != 2 || c.rows < 3)
    throw ShapeError(str(who, ": cities must be (n, 2) coordinates with n >= 3: expected (n, 2), got (", c.rows,
                         ", ", c.cols, ")."));
  n_ = c.rows;
  coords_ = c;
  dist_ = la::Matrix(n_, n_);
  for (int64_t x = 0; x < n_; ++x)
    for (int64_t y = 0; y < n_; ++y) dist_(x, y) = la::distance(c.row(x), c.row(y), 2);
}

double HopfieldTank::tour_length(const std::vector<int64_t>& tour) const {
  std::vector<bool> seen(n_, false);
  for (int64_t city : tour) {
    if (city < 0 || city >= n_ || seen[city])
      throw ValueError(str("HopfieldTank.tour_length: tour must be a permutation of 0..", n_ - 1,
                           ": expected each city once, got city ", city, " out of range or repeated."));
    seen[city] = true;
  }
  if (static_cast<int64_t>(tour.size()) != n_)
    throw ValueError(str("HopfieldTank.tour_length: tour must visit every city: expected ", n_, " cities, got ",
                         tour.size(), "."));
  double len = 0.0;
  for (int64_t i = 0; i < n_; ++i) len += dist_(tour[i], tour[(i + 1) % n_]);
  return len;
}

double HopfieldTank::energy_of(const std::vector<double>& v, const HopfieldTankOptions& o) const {
  const int64_t n = n_;
  auto at = [&](int64_t x, int64_t i) { return v[x * n + ((i % n) + n) % n]; };
  double ea = 0, eb = 0, total = 0, ed = 0;
  for (int64_t x = 0; x < n; ++x) {
    double row = 0, row2 = 0;
    for (int64_t i = 0; i < n; ++i) row += at(x, i), row2 += at(x, i) * at(x, i);
    ea += row * row - row2;
    total += row;
  }
  for (int64_t i = 0; i < n; ++i) {
    double col = 0, col2 = 0;
    for (int64_t x = 0; x < n; ++x) col += at(x, i), col2 += at(x, i) * at(x, i);
    eb += col * col - col2;
  }
  for (int64_t x = 0; x < n; ++x)
    for (int64_t y = 0; y < n; ++y) {
      if (x == y) continue;
      for (int64_t i = 0; i < n; ++i) ed += dist_(x, y) * at(x, i) * (at(y, i + 1) + at(y, i - 1));
    }
  return o.a / 2 * ea + o.b / 2 * eb + o.c / 2 * (total - o.n_tilde) * (total - o.n_tilde) + o.d / 2 * ed;
}

double HopfieldTank::energy(const Tensor& v, HopfieldTankOptions options) const {
  if (!(v.shape() == Shape{n_, n_}))
    throw ShapeError(str("HopfieldTank.energy: v must be (n, n): expected (", n_, ", ", n_, "), got ", v.shape(),
                         "."));
  return energy_of(v.to_vector<double>(), options);
}

TspRun HopfieldTank::solve(HopfieldTankOptions o) const {
  const char* who = "HopfieldTank.solve";
  if (!(o.dt > 0) || o.steps < 1 || !(o.u0 > 0) || !(o.tau > 0))
    throw ValueError(str(who, ": dt, steps, u0 and tau must be positive: expected > 0, got dt ", o.dt, ", steps ",
                         o.steps, ", u0 ", o.u0, ", tau ", o.tau, "."));
  const int64_t n = n_;
  Generator gen(o.seed);
  std::vector<double> u(n * n), v(n * n), du(n * n), row(n), col(n);
  const double u00 = -o.u0 / 2 * std::log(static_cast<double>(n - 1));
  for (double& x : u) x = u00 + o.noise * o.u0 * (2 * gen.uniform() - 1);
  auto activate = [&] {
    for (std::size_t k = 0; k < u.size(); ++k) v[k] = 0.5 * (1 + std::tanh(u[k] / o.u0));
  };
  activate();
  TspRun run;
  for (int64_t s = 0; s < o.steps; ++s) {
    if (o.energy_every > 0 && s % o.energy_every == 0) run.energy.push_back(energy_of(v, o));
    double total = 0;
    std::fill(col.begin(), col.end(), 0.0);
    for (int64_t x = 0; x < n; ++x) {
      row[x] = 0;
      for (int64_t i = 0; i < n; ++i) row[x] += v[x * n + i], col[i] += v[x * n + i];
      total += row[x];
    }
    for (int64_t x = 0; x < n; ++x)
      for (int64_t i = 0; i < n; ++i) {
        const double vxi = v[x * n + i];
        const int64_t next = (i + 1) % n, prev = (i + n - 1) % n;
        double tour = 0;
        for (int64_t y = 0; y < n; ++y) tour += dist_(x, y) * (v[y * n + next] + v[y * n + prev]);
        du[x * n + i] = -u[x * n + i] / o.tau - o.a * (row[x] - vxi) - o.b * (col[i] - vxi) -
                        o.c * (total - o.n_tilde) - o.d * tour;
      }
    for (std::size_t k = 0; k < u.size(); ++k) u[k] += o.dt * du[k];
    activate();
  }
  if (o.energy_every > 0) run.energy.push_back(energy_of(v, o));
  run.saturated = true;
  for (double x : v)
    if (x > 0.1 && x < 0.9) run.saturated = false;
  // Decode: V > 0.5 must be a permutation matrix (one city per position, one position per city).
  std::vector<int64_t> tour(n, -1);
  run.valid = true;
  std::vector<int> per_city(n, 0);
  for (int64_t i = 0; i < n && run.valid; ++i) {
    int count = 0;
    for (int64_t x = 0; x < n; ++x)
      if (v[x * n + i] > 0.5) tour[i] = x, ++count, ++per_city[x];
    if (count != 1) run.valid = false;
  }
  for (int64_t x = 0; x < n && run.valid; ++x)
    if (per_city[x] != 1) run.valid = false;
  if (run.valid) {
    run.tour = tour;
    run.length = tour_length(tour);
  }
  run.v = la::to_tensor(v, Shape{n, n});
  return run;
}

}  // namespace mz::classic
