// Hopfield (see hopfield.h): Hopfield 1982, projection rule (Personnaz et al. 1985).
#include "mz/classic/hopfield.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "mz/core/error.h"

namespace mz::classic {

Hopfield::Hopfield(int64_t units) : n_(units), w_(units > 0 ? units : 0, units > 0 ? units : 0), theta_(units > 0 ? units : 0, 0.0) {
  if (units < 1) throw ValueError(str("Hopfield: units must be positive: expected >= 1, got ", units, "."));
}

la::Matrix Hopfield::bipolar(const Tensor& t, const char* who, const char* name) const {
  la::Matrix m = la::from_tensor(t, who, name);
  if (m.cols != n_)
    throw ShapeError(str(who, ": ", name, " has ", m.cols, " units per pattern, but the network has ", n_,
                         ": expected (n, ", n_, "), got (", m.rows, ", ", m.cols, ")."));
  for (std::size_t i = 0; i < m.v.size(); ++i)
    if (m.v[i] != 1.0 && m.v[i] != -1.0)
      throw ValueError(str(who, ": ", name, " must be bipolar: expected -1 or +1, got ", m.v[i],
                           " at pattern ", static_cast<int64_t>(i) / n_, ", unit ",
                           static_cast<int64_t>(i) % n_, ". Map binary data with 2x - 1."));
  return m;
}

void Hopfield::store(const Tensor& patterns, const std::string& rule) {
  const char* who = "Hopfield.store";
  if (rule != "hebb" && rule != "projection")
    throw ValueError(str(who, ": rule must be \"hebb\" or \"projection\", got \"", rule, "\"."));
  la::Matrix x = bipolar(patterns, who, "patterns");  // (P, N)
  w_ = la::Matrix(n_, n_);
  if (rule == "hebb") {
    const double scale = 1.0 / static_cast<double>(n_);
    for (int64_t p = 0; p < x.rows; ++p) {
      const double* xi = x.row(p);
      for (int64_t i = 0; i < n_; ++i) {
        const double a = xi[i] * scale;
        double* wi = w_.row(i);
        for (int64_t j = 0; j < n_; ++j) wi[j] += a * xi[j];
      }
    }
  } else {
    // W = X^T (X X^T)^-1 X with X (P, N): C = X^T solves min-norm (X) C = X  ->  W = X^T G^-1 X.
    la::Matrix g = la::matmul(x, la::transpose(x));  // (P, P)
    la::Matrix c;
    try {
      c = la::lstsq(g, x, who);  // (P, N) = G^-1 X
    } catch (const ValueError&) {
      throw ValueError(str(who, ": the projection rule needs linearly independent patterns: expected rank ",
                           x.rows, ", got less (repeated or dependent patterns)."));
    }
    w_ = la::matmul(la::transpose(x), c);
    for (int64_t i = 0; i < n_; ++i)  // exactly symmetric, as the energy argument needs
      for (int64_t j = 0; j < i; ++j) w_(i, j) = w_(j, i) = 0.5 * (w_(i, j) + w_(j, i));
  }
  for (int64_t i = 0; i < n_; ++i) w_(i, i) = 0.0;
  std::fill(theta_.begin(), theta_.end(), 0.0);
}

Tensor Hopfield::weights() const { return la::to_tensor(w_); }

Tensor Hopfield::thresholds() const { return la::to_tensor(theta_, Shape{n_}); }

void Hopfield::set_weights(const Tensor& weights, const Tensor& thresholds) {
  const char* who = "Hopfield.set_weights";
  if (!(weights.shape() == Shape{n_, n_}))
    throw ShapeError(str(who, ": weights must be (units, units): expected (", n_, ", ", n_, "), got ",
                         weights.shape(), "."));
  la::Matrix w = la::from_tensor(weights, who, "weights");
  for (int64_t i = 0; i < n_; ++i)
    for (int64_t j = 0; j < i; ++j)
      if (std::abs(w(i, j) - w(j, i)) > 1e-12 * (1.0 + std::abs(w(i, j))))
        throw ValueError(str(who, ": weights must be symmetric: expected w[", i, "][", j, "] == w[", j, "][",
                             i, "], got ", w(i, j), " and ", w(j, i), "."));
  w_ = w;
  if (thresholds.defined()) {
    if (!(thresholds.shape() == Shape{n_}))
      throw ShapeError(str(who, ": thresholds must be (units,): expected (", n_, ",), got ",
                           thresholds.shape(), "."));
    theta_ = thresholds.to_vector<double>();
  } else {
    std::fill(theta_.begin(), theta_.end(), 0.0);
  }
}

double Hopfield::energy_of(const double* s) const {
  double e = 0.0;
  for (int64_t i = 0; i < n_; ++i) {
    const double* wi = w_.row(i);
    double h = 0.0;
    for (int64_t j = 0; j < n_; ++j) h += wi[j] * s[j];
    e += -0.5 * s[i] * h + theta_[i] * s[i];
  }
  return e;
}

std::vector<double> Hopfield::energy(const Tensor& states) const {
  la::Matrix s = bipolar(states, "Hopfield.energy", "states");
  std::vector<double> out(s.rows);
  for (int64_t p = 0; p < s.rows; ++p) out[p] = energy_of(s.row(p));
  return out;
}

Tensor Hopfield::step(const Tensor& states) const {
  la::Matrix s = bipolar(states, "Hopfield.step", "states");
  la::Matrix out = s;
  for (int64_t p = 0; p < s.rows; ++p)
    for (int64_t i = 0; i < n_; ++i) {
      const double* wi = w_.row(i);
      double h = -theta_[i];
      for (int64_t j = 0; j < n_; ++j) h += wi[j] * s(p, j);
      if (h > 0) out(p, i) = 1.0;
      else if (h < 0) out(p, i) = -1.0;
    }
  return la::to_tensor(out);
}

HopfieldRecall Hopfield::recall(const Tensor& states, HopfieldRecallOptions options) const {
  const char* who = "Hopfield.recall";
  if (options.mode != "asynchronous" && options.mode != "synchronous")
    throw ValueError(str(who, ": mode must be \"asynchronous\" or \"synchronous\", got \"", options.mode, "\"."));
  if (options.max_sweeps < 1)
    throw ValueError(str(who, ": max_sweeps must be positive: expected >= 1, got ", options.max_sweeps, "."));
  la::Matrix s = bipolar(states, who, "states");
  HopfieldRecall out;
  out.energy.resize(s.rows);
  out.converged.assign(s.rows, false);
  out.sweeps.assign(s.rows, 0);
  Generator gen(options.seed);
  std::vector<int64_t> order(n_);
  std::vector<double> next(n_);
  for (int64_t p = 0; p < s.rows; ++p) {
    double* sp = s.row(p);
    out.energy[p].push_back(energy_of(sp));
    for (int64_t sweep = 0; sweep < options.max_sweeps; ++sweep) {
      bool changed = false;
      if (options.mode == "asynchronous") {
        std::iota(order.begin(), order.end(), 0);
        for (int64_t k = n_ - 1; k > 0; --k)
          std::swap(order[k], order[static_cast<int64_t>(gen.below(static_cast<uint64_t>(k + 1)))]);
        for (int64_t i : order) {
          const double* wi = w_.row(i);
          double h = -theta_[i];
          for (int64_t j = 0; j < n_; ++j) h += wi[j] * sp[j];
          const double v = h > 0 ? 1.0 : (h < 0 ? -1.0 : sp[i]);
          if (v != sp[i]) sp[i] = v, changed = true;
        }
      } else {
        for (int64_t i = 0; i < n_; ++i) {
          const double* wi = w_.row(i);
          double h = -theta_[i];
          for (int64_t j = 0; j < n_; ++j) h += wi[j] * sp[j];
          next[i] = h > 0 ? 1.0 : (h < 0 ? -1.0 : sp[i]);
        }
        for (int64_t i = 0; i < n_; ++i)
          if (next[i] != sp[i]) sp[i] = next[i], changed = true;
      }
      out.sweeps[p] = sweep + 1;
      out.energy[p].push_back(energy_of(sp));
      if (!changed) {
        out.converged[p] = true;
        break;
      }
    }
  }
  out.states = la::to_tensor(s);
  return out;
}

}  // namespace mz::classic
