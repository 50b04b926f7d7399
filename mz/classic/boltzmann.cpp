// BoltzmannMachine (see boltzmann.h): Ackley, Hinton & Sejnowski, Cognitive Science 9 (1985).
#include "mz/classic/boltzmann.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mz/core/error.h"

namespace mz::classic {

std::vector<AnnealingStage> ackley_schedule() { return {{20, 2}, {15, 2}, {12, 2}, {10, 4}}; }

std::vector<AnnealingStage> geometric_schedule(double t0, double factor, double t_min, int64_t sweeps) {
  if (!(t0 > 0) || !(t_min > 0) || !(factor > 0 && factor < 1) || sweeps < 1)
    throw ValueError(str("geometric_schedule: expected t0 > 0, t_min > 0, 0 < factor < 1 and sweeps >= 1, got t0 ",
                         t0, ", factor ", factor, ", t_min ", t_min, ", sweeps ", sweeps, "."));
  std::vector<AnnealingStage> out;
  for (double t = t0; t >= t_min; t *= factor) out.push_back({t, sweeps});
  return out;
}

BoltzmannMachine::BoltzmannMachine(int64_t visible, int64_t hidden, BoltzmannOptions options)
    : nv_(visible), options_(std::move(options)), gen_(options_.seed) {
  const char* who = "BoltzmannMachine";
  if (visible < 1 || hidden < 0)
    throw ValueError(str(who, ": expected visible >= 1 and hidden >= 0, got (", visible, ", ", hidden, ")."));
  if (options_.schedule.empty())
    throw ValueError(str(who, ": schedule must have at least one stage: expected >= 1, got 0."));
  for (const AnnealingStage& st : options_.schedule)
    if (!(st.temperature > 0) || st.sweeps < 0)
      throw ValueError(str(who, ": every stage needs temperature > 0 and sweeps >= 0, got T ", st.temperature,
                           ", sweeps ", st.sweeps, "."));
  w_ = la::Matrix(visible + hidden, visible + hidden);
  b_.assign(visible + hidden, 0.0);
}

void BoltzmannMachine::set_weights(const Tensor& weights, const Tensor& bias) {
  const int64_t n = w_.rows;
  const char* who = "BoltzmannMachine.set_weights";
  if (!(weights.shape() == Shape{n, n}) || !(bias.shape() == Shape{n}))
    throw ShapeError(str(who, ": expected weights (", n, ", ", n, ") and bias (", n, ",), got ", weights.shape(),
                         " and ", bias.shape(), "."));
  la::Matrix w = la::from_tensor(weights, who, "weights");
  for (int64_t i = 0; i < n; ++i) {
    if (w(i, i) != 0.0)
      throw ValueError(str(who, ": the diagonal must be zero: expected w[", i, "][", i, "] = 0, got ", w(i, i), "."));
    for (int64_t j = 0; j < i; ++j)
      if (w(i, j) != w(j, i))
        throw ValueError(str(who, ": weights must be symmetric: expected w[", i, "][", j, "] == w[", j, "][", i,
                             "], got ", w(i, j), " and ", w(j, i), "."));
  }
  w_ = w;
  b_ = bias.to_vector<double>();
}

la::Matrix BoltzmannMachine::binary(const Tensor& t, int64_t width, const char* who) const {
  la::Matrix m = la::from_tensor(t, who, "states");
  if (m.cols != width)
    throw ShapeError(str(who, ": rows have ", m.cols, " units, expected ", width, ": expected (n, ", width,
                         "), got (", m.rows, ", ", m.cols, ")."));
  for (std::size_t i = 0; i < m.v.size(); ++i)
    if (m.v[i] != 0.0 && m.v[i] != 1.0)
      throw ValueError(str(who, ": units are binary: expected 0 or 1, got ", m.v[i], " at row ",
                           static_cast<int64_t>(i) / width, ", column ", static_cast<int64_t>(i) % width, "."));
  return m;
}

std::vector<double> BoltzmannMachine::energy(const Tensor& states) const {
  la::Matrix s = binary(states, w_.rows, "BoltzmannMachine.energy");
  std::vector<double> out(s.rows, 0.0);
  for (int64_t q = 0; q < s.rows; ++q)
    for (int64_t i = 0; i < w_.rows; ++i) {
      double h = 0.0;
      for (int64_t j = 0; j < w_.rows; ++j) h += w_(i, j) * s(q, j);
      out[q] -= s(q, i) * (0.5 * h + b_[i]);
    }
  return out;
}

void BoltzmannMachine::sweep(double* s, double temperature, int64_t clamped) {
  const int64_t n = w_.rows;
  // A random order over the free units.
  std::vector<int64_t> order(n - clamped);
  std::iota(order.begin(), order.end(), clamped);
  for (int64_t k = static_cast<int64_t>(order.size()) - 1; k > 0; --k)
    std::swap(order[k], order[static_cast<int64_t>(gen_.below(static_cast<uint64_t>(k + 1)))]);
  for (int64_t i : order) {
    double gap = b_[i];
    const double* wi = w_.row(i);
    for (int64_t j = 0; j < n; ++j) gap += wi[j] * s[j];
    s[i] = gen_.uniform() < 1.0 / (1.0 + std::exp(-gap / temperature)) ? 1.0 : 0.0;
  }
}

Tensor BoltzmannMachine::anneal(const Tensor& states, const std::vector<AnnealingStage>& schedule, int64_t clamped) {
  la::Matrix s = binary(states, w_.rows, "BoltzmannMachine.anneal");
  if (clamped < 0 || clamped > w_.rows)
    throw ValueError(str("BoltzmannMachine.anneal: clamped must be in 0..", w_.rows, ", got ", clamped, "."));
  for (int64_t q = 0; q < s.rows; ++q)
    for (const AnnealingStage& st : schedule)
      for (int64_t k = 0; k < st.sweeps; ++k) sweep(s.row(q), st.temperature, clamped);
  return la::to_tensor(s);
}

Tensor BoltzmannMachine::sample(int64_t count, double temperature, int64_t burn_in, int64_t thin) {
  if (count < 1 || !(temperature > 0) || burn_in < 0 || thin < 1)
    throw ValueError(str("BoltzmannMachine.sample: expected count >= 1, temperature > 0, burn_in >= 0, thin >= 1, got ",
                         count, ", ", temperature, ", ", burn_in, ", ", thin, "."));
  const int64_t n = w_.rows;
  std::vector<double> s(n);
  for (double& x : s) x = gen_.uniform() < 0.5 ? 1.0 : 0.0;
  for (int64_t k = 0; k < burn_in; ++k) sweep(s.data(), temperature, 0);
  la::Matrix out(count, n);
  for (int64_t q = 0; q < count; ++q) {
    for (int64_t k = 0; k < thin; ++k) sweep(s.data(), temperature, 0);
    std::copy(s.begin(), s.end(), out.row(q));
  }
  return la::to_tensor(out);
}

double BoltzmannMachine::fit_epoch(const Tensor& data) {
  la::Matrix x = binary(data, nv_, "BoltzmannMachine.fit_epoch");
  const int64_t n = w_.rows;
  const double t_end = options_.schedule.back().temperature;
  la::Matrix corr_pos(n, n), corr_neg(n, n);
  std::vector<double> mean_pos(n, 0.0), mean_neg(n, 0.0);
  std::vector<double> s(n);
  auto collect = [&](la::Matrix& corr, std::vector<double>& mean, int64_t clamped, double weight) {
    for (int64_t k = 0; k < options_.statistics_sweeps; ++k) {
      sweep(s.data(), t_end, clamped);
      for (int64_t i = 0; i < n; ++i) {
        if (s[i] == 0.0) continue;
        mean[i] += weight;
        for (int64_t j = 0; j < n; ++j) corr(i, j) += weight * s[j];
      }
    }
  };
  const double per_stat = 1.0 / static_cast<double>(options_.statistics_sweeps);
  for (int64_t q = 0; q < x.rows; ++q) {  // + phase: visible units clamped (with optional noise)
    for (int64_t i = 0; i < nv_; ++i) {
      s[i] = x(q, i);
      if (options_.clamp_noise > 0 && gen_.uniform() < options_.clamp_noise) s[i] = 1.0 - s[i];
    }
    for (int64_t i = nv_; i < n; ++i) s[i] = gen_.uniform() < 0.5 ? 1.0 : 0.0;
    for (const AnnealingStage& st : options_.schedule)
      for (int64_t k = 0; k < st.sweeps; ++k) sweep(s.data(), st.temperature, nv_);
    collect(corr_pos, mean_pos, nv_, per_stat / static_cast<double>(x.rows));
  }
  const int64_t chains = options_.free_chains > 0 ? options_.free_chains : x.rows;
  for (int64_t c = 0; c < chains; ++c) {  // - phase: free running
    for (double& v : s) v = gen_.uniform() < 0.5 ? 1.0 : 0.0;
    for (const AnnealingStage& st : options_.schedule)
      for (int64_t k = 0; k < st.sweeps; ++k) sweep(s.data(), st.temperature, 0);
    collect(corr_neg, mean_neg, 0, per_stat / static_cast<double>(chains));
  }
  double change = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dw = options_.learning_rate * (corr_pos(i, j) - corr_neg(i, j));
      w_(i, j) += dw;
      change += std::abs(dw);
    }
    b_[i] += options_.learning_rate * (mean_pos[i] - mean_neg[i]);
  }
  return change / static_cast<double>(n * n);
}

double BoltzmannMachine::log_likelihood(const Tensor& data) const {
  la::Matrix x = binary(data, nv_, "BoltzmannMachine.log_likelihood");
  const int64_t n = w_.rows;
  if (n > 20)
    throw ValueError(str("BoltzmannMachine.log_likelihood: exact enumeration needs at most 20 units: expected <= 20, got ",
                         n, "."));
  const std::size_t states = std::size_t{1} << n;
  std::vector<double> neg_e(states);
  std::vector<double> s(n);
  double max_e = -1e300;
  for (std::size_t code = 0; code < states; ++code) {
    for (int64_t i = 0; i < n; ++i) s[i] = (code >> i) & 1 ? 1.0 : 0.0;
    double e = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      if (s[i] == 0.0) continue;
      double h = 0.0;
      for (int64_t j = 0; j < n; ++j) h += w_(i, j) * s[j];
      e -= 0.5 * h + b_[i];
    }
    neg_e[code] = -e;
    max_e = std::max(max_e, -e);
  }
  // log Z and the visible marginals (visible bits are the low bits of the code).
  const std::size_t vis = std::size_t{1} << nv_;
  std::vector<double> marginal(vis, 0.0);
  double z = 0.0;
  for (std::size_t code = 0; code < states; ++code) {
    const double p = std::exp(neg_e[code] - max_e);
    z += p;
    marginal[code & (vis - 1)] += p;
  }
  double ll = 0.0;
  for (int64_t q = 0; q < x.rows; ++q) {
    std::size_t code = 0;
    for (int64_t i = 0; i < nv_; ++i)
      if (x(q, i) == 1.0) code |= std::size_t{1} << i;
    ll += std::log(marginal[code] / z);
  }
  return ll / static_cast<double>(x.rows);
}

}  // namespace mz::classic
