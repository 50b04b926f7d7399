// RestrictedBoltzmannMachine (see rbm.h).
#include "mz/classic/rbm.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "mz/core/error.h"

namespace mz::classic {

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return x > 30 ? x : std::log1p(std::exp(x)); }

double logsumexp(const std::vector<double>& v) {
  const double m = *std::max_element(v.begin(), v.end());
  double s = 0.0;
  for (double x : v) s += std::exp(x - m);
  return m + std::log(s);
}

}  // namespace

void RestrictedBoltzmannMachine::set_weights(const Tensor& weights, const Tensor& visible_bias,
                                             const Tensor& hidden_bias) {
  if (!(weights.shape() == Shape{w_.rows, w_.cols}) || !(visible_bias.shape() == Shape{w_.rows}) ||
      !(hidden_bias.shape() == Shape{w_.cols}))
    throw ShapeError(str("RestrictedBoltzmannMachine.set_weights: expected weights (", w_.rows, ", ", w_.cols,
                         "), visible_bias (", w_.rows, ",) and hidden_bias (", w_.cols, ",), got ", weights.shape(),
                         ", ", visible_bias.shape(), " and ", hidden_bias.shape(), "."));
  w_.v = weights.to_vector<double>();
  b_ = visible_bias.to_vector<double>();
  c_ = hidden_bias.to_vector<double>();
}

RestrictedBoltzmannMachine::RestrictedBoltzmannMachine(int64_t visible, int64_t hidden, RbmOptions options)
    : options_(options), gen_(options.seed) {
  const char* who = "RestrictedBoltzmannMachine";
  if (visible < 1 || hidden < 1)
    throw ValueError(str(who, ": visible and hidden must be positive: expected >= 1, got (", visible, ", ", hidden,
                         ")."));
  if (options_.k < 1) throw ValueError(str(who, ": k must be positive: expected >= 1, got ", options_.k, "."));
  if (!(options_.learning_rate > 0))
    throw ValueError(str(who, ": learning_rate must be positive: expected > 0, got ", options_.learning_rate, "."));
  if (options_.batch_size < 0 || options_.chains < 0)
    throw ValueError(str(who, ": batch_size and chains must be >= 0 (0: automatic), got ", options_.batch_size,
                         " and ", options_.chains, "."));
  w_ = la::Matrix(visible, hidden);
  for (double& x : w_.v) x = options_.init_std * gen_.normal();
  b_.assign(visible, 0.0);
  c_.assign(hidden, 0.0);
}

la::Matrix RestrictedBoltzmannMachine::binary(const Tensor& t, const char* who) const {
  la::Matrix m = la::from_tensor(t, who, "data");
  if (m.cols != w_.rows)
    throw ShapeError(str(who, ": data has ", m.cols, " units per row, but the machine has ", w_.rows,
                         " visible units: expected (n, ", w_.rows, "), got (", m.rows, ", ", m.cols, ")."));
  for (std::size_t i = 0; i < m.v.size(); ++i)
    if (m.v[i] < 0.0 || m.v[i] > 1.0)
      throw ValueError(str(who, ": data must be binary or probabilities: expected values in [0, 1], got ", m.v[i],
                           " at row ", static_cast<int64_t>(i) / m.cols, ", column ",
                           static_cast<int64_t>(i) % m.cols, "."));
  return m;
}

void RestrictedBoltzmannMachine::hidden_probs(const double* v, double* out) const {
  for (int64_t j = 0; j < w_.cols; ++j) out[j] = c_[j];
  for (int64_t i = 0; i < w_.rows; ++i) {
    if (v[i] == 0.0) continue;
    const double* wi = w_.row(i);
    for (int64_t j = 0; j < w_.cols; ++j) out[j] += v[i] * wi[j];
  }
  for (int64_t j = 0; j < w_.cols; ++j) out[j] = sigmoid(out[j]);
}

void RestrictedBoltzmannMachine::visible_probs(const double* h, double* out) const {
  for (int64_t i = 0; i < w_.rows; ++i) {
    const double* wi = w_.row(i);
    double s = b_[i];
    for (int64_t j = 0; j < w_.cols; ++j) s += wi[j] * h[j];
    out[i] = sigmoid(s);
  }
}

std::vector<double> RestrictedBoltzmannMachine::fit(const Tensor& data, int64_t epochs) {
  const char* who = "RestrictedBoltzmannMachine.fit";
  la::Matrix x = binary(data, who);
  if (epochs < 1) throw ValueError(str(who, ": epochs must be positive: expected >= 1, got ", epochs, "."));
  const int64_t nv = w_.rows, nh = w_.cols;
  const int64_t batch = options_.batch_size > 0 ? std::min(options_.batch_size, x.rows) : x.rows;
  const int64_t nchains = options_.chains > 0 ? options_.chains : batch;
  if (options_.persistent && chains_.rows != nchains) {
    chains_ = la::Matrix(nchains, nv);
    for (double& s : chains_.v) s = gen_.uniform() < 0.5 ? 1.0 : 0.0;
  }
  std::vector<double> history;
  std::vector<double> ph0(nh), phk(nh), hs(nh), vk(nv), pv(nv);
  la::Matrix gw(nv, nh);
  std::vector<double> gb(nv), gc(nh);
  std::vector<int64_t> order(x.rows);
  for (int64_t i = 0; i < x.rows; ++i) order[i] = i;
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    if (batch < x.rows)
      for (int64_t i = x.rows - 1; i > 0; --i)
        std::swap(order[i], order[static_cast<int64_t>(gen_.below(static_cast<uint64_t>(i + 1)))]);
    double recon = 0.0;
    for (int64_t start = 0; start < x.rows; start += batch) {
      const int64_t stop = std::min(start + batch, x.rows), m = stop - start;
      std::fill(gw.v.begin(), gw.v.end(), 0.0);
      std::fill(gb.begin(), gb.end(), 0.0);
      std::fill(gc.begin(), gc.end(), 0.0);
      // Positive phase, and the reconstruction error.
      for (int64_t q = start; q < stop; ++q) {
        const double* v0 = x.row(order[q]);
        hidden_probs(v0, ph0.data());
        for (int64_t i = 0; i < nv; ++i) {
          gb[i] += v0[i];
          if (v0[i] != 0.0)
            for (int64_t j = 0; j < nh; ++j) gw(i, j) += v0[i] * ph0[j];
        }
        for (int64_t j = 0; j < nh; ++j) gc[j] += ph0[j], hs[j] = gen_.uniform() < ph0[j] ? 1.0 : 0.0;
        visible_probs(hs.data(), pv.data());
        for (int64_t i = 0; i < nv; ++i) recon += (v0[i] - pv[i]) * (v0[i] - pv[i]);
      }
      // Negative phase: k Gibbs steps from the data (CD) or from the persistent chains (PCD).
      const int64_t negatives = options_.persistent ? nchains : m;
      for (int64_t r = 0; r < negatives; ++r) {
        const double* start_v = options_.persistent ? chains_.row(r) : x.row(order[start + r]);
        std::copy(start_v, start_v + nv, vk.begin());
        for (int64_t step = 0; step < options_.k; ++step) {
          hidden_probs(vk.data(), phk.data());
          for (int64_t j = 0; j < nh; ++j) hs[j] = gen_.uniform() < phk[j] ? 1.0 : 0.0;
          visible_probs(hs.data(), pv.data());
          for (int64_t i = 0; i < nv; ++i) vk[i] = gen_.uniform() < pv[i] ? 1.0 : 0.0;
        }
        hidden_probs(vk.data(), phk.data());
        if (options_.persistent) std::copy(vk.begin(), vk.end(), chains_.row(r));
        const double scale = static_cast<double>(m) / static_cast<double>(negatives);
        for (int64_t i = 0; i < nv; ++i) {
          gb[i] -= scale * vk[i];
          if (vk[i] != 0.0)
            for (int64_t j = 0; j < nh; ++j) gw(i, j) -= scale * vk[i] * phk[j];
        }
        for (int64_t j = 0; j < nh; ++j) gc[j] -= scale * phk[j];
      }
      const double lr = options_.learning_rate / static_cast<double>(m);
      for (std::size_t i = 0; i < w_.v.size(); ++i) w_.v[i] += lr * gw.v[i];
      for (int64_t i = 0; i < nv; ++i) b_[i] += lr * gb[i];
      for (int64_t j = 0; j < nh; ++j) c_[j] += lr * gc[j];
    }
    history.push_back(recon / static_cast<double>(x.rows * nv));
  }
  return history;
}

Tensor RestrictedBoltzmannMachine::hidden_probabilities(const Tensor& v) const {
  la::Matrix x = binary(v, "RestrictedBoltzmannMachine.hidden_probabilities");
  la::Matrix out(x.rows, w_.cols);
  for (int64_t q = 0; q < x.rows; ++q) hidden_probs(x.row(q), out.row(q));
  return la::to_tensor(out);
}

Tensor RestrictedBoltzmannMachine::visible_probabilities(const Tensor& h) const {
  la::Matrix x = la::from_tensor(h, "RestrictedBoltzmannMachine.visible_probabilities", "h");
  if (x.cols != w_.cols)
    throw ShapeError(str("RestrictedBoltzmannMachine.visible_probabilities: h has ", x.cols,
                         " units per row, but the machine has ", w_.cols, " hidden units: expected (n, ", w_.cols,
                         "), got (", x.rows, ", ", x.cols, ")."));
  la::Matrix out(x.rows, w_.rows);
  for (int64_t q = 0; q < x.rows; ++q) visible_probs(x.row(q), out.row(q));
  return la::to_tensor(out);
}

double RestrictedBoltzmannMachine::free_energy_of(const double* v) const {
  double f = 0.0;
  for (int64_t i = 0; i < w_.rows; ++i) f -= b_[i] * v[i];
  for (int64_t j = 0; j < w_.cols; ++j) {
    double s = c_[j];
    for (int64_t i = 0; i < w_.rows; ++i) s += v[i] * w_(i, j);
    f -= softplus(s);
  }
  return f;
}

std::vector<double> RestrictedBoltzmannMachine::free_energy(const Tensor& v) const {
  la::Matrix x = binary(v, "RestrictedBoltzmannMachine.free_energy");
  std::vector<double> out(x.rows);
  for (int64_t q = 0; q < x.rows; ++q) out[q] = free_energy_of(x.row(q));
  return out;
}

double RestrictedBoltzmannMachine::log_partition() const {
  const int64_t nv = w_.rows, nh = w_.cols;
  const int64_t small = std::min(nv, nh);
  if (small > 24)
    throw ValueError(str("RestrictedBoltzmannMachine.log_partition: exact enumeration needs a layer of at most 24 "
                         "units: expected <= 24, got ", small, " (visible ", nv, ", hidden ", nh, ")."));
  std::vector<double> terms(static_cast<std::size_t>(1) << small);
  std::vector<double> s(small);
  for (std::size_t code = 0; code < terms.size(); ++code) {
    for (int64_t k = 0; k < small; ++k) s[k] = (code >> k) & 1 ? 1.0 : 0.0;
    if (nv <= nh) {
      terms[code] = -free_energy_of(s.data());
    } else {  // sum over h: c^T h + sum_i softplus(b_i + W_i: h)
      double t = 0.0;
      for (int64_t j = 0; j < nh; ++j) t += c_[j] * s[j];
      for (int64_t i = 0; i < nv; ++i) {
        double a = b_[i];
        for (int64_t j = 0; j < nh; ++j) a += w_(i, j) * s[j];
        t += softplus(a);
      }
      terms[code] = t;
    }
  }
  return logsumexp(terms);
}

double RestrictedBoltzmannMachine::log_likelihood(const Tensor& data) const {
  la::Matrix x = binary(data, "RestrictedBoltzmannMachine.log_likelihood");
  const double log_z = log_partition();
  double sum = 0.0;
  for (int64_t q = 0; q < x.rows; ++q) sum += -free_energy_of(x.row(q)) - log_z;
  return sum / static_cast<double>(x.rows);
}

Tensor bars_and_stripes(int side) {
  if (side < 1 || side > 6)
    throw ValueError(str("bars_and_stripes: side must be between 1 and 6: expected 1..6, got ", side, "."));
  std::set<std::vector<double>> seen;
  std::vector<double> all;
  for (int vertical = 0; vertical < 2; ++vertical)
    for (int code = 0; code < (1 << side); ++code) {
      std::vector<double> p(side * side);
      for (int r = 0; r < side; ++r)
        for (int c = 0; c < side; ++c) p[r * side + c] = (code >> (vertical ? c : r)) & 1;
      if (seen.insert(p).second) all.insert(all.end(), p.begin(), p.end());
    }
  return la::to_tensor(all, Shape{static_cast<int64_t>(seen.size()), side * side});
}

}  // namespace mz::classic
