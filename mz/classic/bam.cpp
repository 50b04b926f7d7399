// BidirectionalAssociativeMemory (see bam.h): Kosko, IEEE SMC 18(1) 1988.
#include "mz/classic/bam.h"

#include "mz/core/error.h"

namespace mz::classic {

BidirectionalAssociativeMemory::BidirectionalAssociativeMemory(int64_t x_units, int64_t y_units)
    : nx_(x_units), ny_(y_units) {
  if (x_units < 1 || y_units < 1)
    throw ValueError(str("BAM: x_units and y_units must be positive: expected >= 1, got (", x_units, ", ",
                         y_units, ")."));
  m_ = la::Matrix(x_units, y_units);
}

la::Matrix BidirectionalAssociativeMemory::coded(const Tensor& t, int64_t units, const char* who,
                                                 const char* name, const std::string& coding) const {
  la::Matrix m = la::from_tensor(t, who, name);
  if (m.cols != units)
    throw ShapeError(str(who, ": ", name, " has ", m.cols, " units per pattern, but the memory has ", units,
                         ": expected (n, ", units, "), got (", m.rows, ", ", m.cols, ")."));
  const bool binary = coding == "binary";
  for (std::size_t i = 0; i < m.v.size(); ++i) {
    const double v = m.v[i];
    const bool ok = binary ? (v == 0.0 || v == 1.0) : (v == -1.0 || v == 1.0);
    if (!ok)
      throw ValueError(str(who, ": ", name, " must be ", binary ? "binary: expected 0 or 1" : "bipolar: expected -1 or +1",
                           ", got ", v, " at pattern ", static_cast<int64_t>(i) / units, ", unit ",
                           static_cast<int64_t>(i) % units, "."));
    if (binary) m.v[i] = 2.0 * v - 1.0;
  }
  return m;
}

void BidirectionalAssociativeMemory::store(const Tensor& x, const Tensor& y, const std::string& coding) {
  const char* who = "BAM.store";
  if (coding != "bipolar" && coding != "binary")
    throw ValueError(str(who, ": coding must be \"bipolar\" or \"binary\", got \"", coding, "\"."));
  la::Matrix a = coded(x, nx_, who, "x", coding), b = coded(y, ny_, who, "y", coding);
  if (a.rows != b.rows)
    throw ShapeError(str(who, ": x and y must hold the same number of pairs: expected ", a.rows, ", got ", b.rows,
                         "."));
  m_ = la::matmul(la::transpose(a), b);
}

Tensor BidirectionalAssociativeMemory::weights() const { return la::to_tensor(m_); }

void BidirectionalAssociativeMemory::set_weights(const Tensor& weights) {
  if (!(weights.shape() == Shape{nx_, ny_}))
    throw ShapeError(str("BAM.set_weights: weights must be (x_units, y_units): expected (", nx_, ", ", ny_,
                         "), got ", weights.shape(), "."));
  m_ = la::from_tensor(weights, "BAM.set_weights", "weights");
}

std::vector<double> BidirectionalAssociativeMemory::energy(const Tensor& x, const Tensor& y) const {
  la::Matrix a = coded(x, nx_, "BAM.energy", "x", "bipolar"), b = coded(y, ny_, "BAM.energy", "y", "bipolar");
  if (a.rows != b.rows)
    throw ShapeError(str("BAM.energy: x and y must hold the same number of pairs: expected ", a.rows, ", got ",
                         b.rows, "."));
  std::vector<double> e(a.rows, 0.0);
  for (int64_t k = 0; k < a.rows; ++k)
    for (int64_t i = 0; i < nx_; ++i)
      for (int64_t j = 0; j < ny_; ++j) e[k] -= a(k, i) * m_(i, j) * b(k, j);
  return e;
}

BamRecall BidirectionalAssociativeMemory::run(la::Matrix x, la::Matrix y, bool from_x, int64_t max_passes) const {
  BamRecall out;
  const int64_t n = from_x ? x.rows : y.rows;
  out.energy.resize(n);
  out.passes.assign(n, 0);
  out.converged.assign(n, false);
  // Threshold with "0 keeps the previous state"; returns whether anything changed.
  auto to_y = [&](int64_t k) {
    bool changed = false;
    for (int64_t j = 0; j < ny_; ++j) {
      double h = 0.0;
      for (int64_t i = 0; i < nx_; ++i) h += x(k, i) * m_(i, j);
      const double v = h > 0 ? 1.0 : (h < 0 ? -1.0 : y(k, j));
      if (v != y(k, j)) y(k, j) = v, changed = true;
    }
    return changed;
  };
  auto to_x = [&](int64_t k) {
    bool changed = false;
    for (int64_t i = 0; i < nx_; ++i) {
      double h = 0.0;
      for (int64_t j = 0; j < ny_; ++j) h += y(k, j) * m_(i, j);
      const double v = h > 0 ? 1.0 : (h < 0 ? -1.0 : x(k, i));
      if (v != x(k, i)) x(k, i) = v, changed = true;
    }
    return changed;
  };
  auto energy_of = [&](int64_t k) {
    double e = 0.0;
    for (int64_t i = 0; i < nx_; ++i)
      for (int64_t j = 0; j < ny_; ++j) e -= x(k, i) * m_(i, j) * y(k, j);
    return e;
  };
  for (int64_t k = 0; k < n; ++k) {
    if (from_x) to_y(k);
    else to_x(k);
    for (int64_t pass = 0; pass < max_passes; ++pass) {
      const bool c1 = from_x ? to_x(k) : to_y(k);
      const bool c2 = from_x ? to_y(k) : to_x(k);
      out.energy[k].push_back(energy_of(k));
      out.passes[k] = pass + 1;
      if (!c1 && !c2) {
        out.converged[k] = true;
        break;
      }
    }
  }
  out.x = la::to_tensor(x);
  out.y = la::to_tensor(y);
  return out;
}

BamRecall BidirectionalAssociativeMemory::recall_from_x(const Tensor& x, int64_t max_passes) const {
  la::Matrix a = coded(x, nx_, "BAM.recall_from_x", "x", "bipolar");
  return run(a, la::Matrix(a.rows, ny_, 1.0), true, max_passes);
}

BamRecall BidirectionalAssociativeMemory::recall_from_y(const Tensor& y, int64_t max_passes) const {
  la::Matrix b = coded(y, ny_, "BAM.recall_from_y", "y", "bipolar");
  return run(la::Matrix(b.rows, nx_, 1.0), b, false, max_passes);
}

}  // namespace mz::classic
