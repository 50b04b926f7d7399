// HammingNet (see hamming.h): Lippmann, IEEE ASSP Magazine, April 1987.
#include "mz/classic/hamming.h"

#include <algorithm>

#include "mz/core/error.h"

namespace mz::classic {

la::Matrix HammingNet::check(const Tensor& t, const char* who, const char* name, int64_t width) const {
  la::Matrix m = la::from_tensor(t, who, name);
  if (width > 0 && m.cols != width)
    throw ShapeError(str(who, ": ", name, " has ", m.cols, " components, but the exemplars have ", width,
                         ": expected (n, ", width, "), got (", m.rows, ", ", m.cols, ")."));
  for (std::size_t i = 0; i < m.v.size(); ++i)
    if (m.v[i] != 1.0 && m.v[i] != -1.0)
      throw ValueError(str(who, ": ", name, " must be bipolar: expected -1 or +1, got ", m.v[i], " at row ",
                           static_cast<int64_t>(i) / m.cols, ", column ", static_cast<int64_t>(i) % m.cols, "."));
  return m;
}

HammingNet::HammingNet(const Tensor& exemplars, HammingNetOptions options) : options_(options) {
  x_ = check(exemplars, "HammingNet", "exemplars", 0);
  const double limit = 1.0 / static_cast<double>(x_.rows);
  epsilon_ = options_.epsilon == 0.0 ? limit : options_.epsilon;
  if (!(epsilon_ > 0) || epsilon_ > limit + 1e-15)
    throw ValueError(str("HammingNet: epsilon must be in (0, 1/M] = (0, ", limit, "] for M = ", x_.rows,
                         " exemplars, got ", options_.epsilon, "."));
  if (!(options_.scale > 0))
    throw ValueError(str("HammingNet: scale must be positive: expected > 0, got ", options_.scale, "."));
  if (options_.max_iterations < 1)
    throw ValueError(str("HammingNet: max_iterations must be positive: expected >= 1, got ",
                         options_.max_iterations, "."));
}

la::Matrix HammingNet::score_matrix(const la::Matrix& u) const {
  la::Matrix s(u.rows, x_.rows);
  const double half = 0.5 * static_cast<double>(x_.cols);
  for (int64_t q = 0; q < u.rows; ++q)
    for (int64_t j = 0; j < x_.rows; ++j) {
      double agree = half;  // sum_i (x_ji / 2) u_i + N / 2 = N - HD
      for (int64_t i = 0; i < x_.cols; ++i) agree += 0.5 * x_(j, i) * u(q, i);
      s(q, j) = std::clamp(options_.scale * agree, 0.0, options_.max_score);
    }
  return s;
}

Tensor HammingNet::scores(const Tensor& inputs) const {
  return la::to_tensor(score_matrix(check(inputs, "HammingNet.scores", "inputs", x_.cols)));
}

HammingRecall HammingNet::recall(const Tensor& inputs) const {
  la::Matrix y = score_matrix(check(inputs, "HammingNet.recall", "inputs", x_.cols));
  const int64_t m = x_.rows;
  HammingRecall out;
  out.winners.assign(y.rows, -1);
  out.iterations.assign(y.rows, 0);
  out.trajectory.resize(y.rows);
  std::vector<double> next(m);
  for (int64_t q = 0; q < y.rows; ++q) {
    double* yq = y.row(q);
    auto positives = [&] { return std::count_if(yq, yq + m, [](double v) { return v > 0; }); };
    for (int64_t it = 0; it < options_.max_iterations && positives() > 1; ++it) {
      double total = 0.0;
      for (int64_t j = 0; j < m; ++j) total += yq[j];
      bool changed = false;
      for (int64_t j = 0; j < m; ++j) {
        next[j] = std::max(0.0, yq[j] - epsilon_ * (total - yq[j]));
        changed = changed || next[j] != yq[j];
      }
      std::copy(next.begin(), next.end(), yq);
      out.trajectory[q].emplace_back(yq, yq + m);
      out.iterations[q] = it + 1;
      if (!changed) break;
    }
    if (positives() == 1) out.winners[q] = std::max_element(yq, yq + m) - yq;
  }
  out.outputs = la::to_tensor(y);
  return out;
}

}  // namespace mz::classic
