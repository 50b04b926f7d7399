// Batched Hopfield recall through the stored patterns (hopfield_sim.h).
#include "mz/classic/neurolab/hopfield_sim.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "mz/classic/neurolab/net.h"
#include "mz/ops/linalg.h"

namespace mz::classic::nl::detail {

std::optional<Matrix> hebbian_sim(Net& net, const Matrix& input) {
  if (net.layers.size() != 1 || input.rows() == 0) return std::nullopt;
  Layer& l = net.layers[0];
  // Only the sign of s matters to a hard limit, so values near 0 can be summed again in
  // Layer::step's order and the outputs match stepping exactly; other transfers step.
  const bool hard =
      l.transf.kind() == TransferKind::hardlims || l.transf.kind() == TransferKind::hardlim;
  if (!hard || l.kind != LayerKind::recurrent || !l.hebbian || l.w.size() != l.hebbian->w.size() ||
      std::memcmp(l.w.data(), l.hebbian->w.data(), l.w.size() * sizeof(double)) != 0)
    return std::nullopt;
  const Matrix& patterns = l.hebbian->patterns;
  const int64_t n = l.ci, p = static_cast<int64_t>(patterns.rows());
  const int64_t rows = static_cast<int64_t>(input.rows());
  const TensorOptions f64{.dtype = DType::f64, .device = Device::cpu()};

  Tensor pt = Tensor::empty({p, n}, f64);
  std::copy(patterns.data(), patterns.data() + p * n, pt.data<double>());
  // cur: the state of every probe still iterating, packed; which[i]: its row in the input.
  Tensor cur = Tensor::empty({rows, n}, f64);
  std::copy(input.data(), input.data() + rows * n, cur.data<double>());
  std::vector<int64_t> which(rows), iterations(rows, 0);
  for (int64_t i = 0; i < rows; ++i) which[i] = i;
  Matrix result(input.rows(), n);
  std::vector<double> last_u(n);  // the state the last row's final pass started from
  std::vector<double> s(n), o(n);

  int64_t active = rows;
  for (int it = 0; it < l.max_iter && active > 0; ++it) {
    Tensor u = cur.slice(0, 0, active);
    Tensor g = matmul(matmul(u, pt.mT()), pt);  // (active, n): Pᵀ P u per probe
    const double* gd = g.data<double>();
    double* ud = cur.data<double>();
    int64_t kept = 0;
    for (int64_t i = 0; i < active; ++i) {
      const double* ui = ud + i * n;
      const double* gi = gd + i * n;
      double mass = 0;  // sum |u|: bounds the rounding of both ways of summing
      for (int64_t k = 0; k < n; ++k) mass += std::abs(ui[k]);
      for (int64_t k = 0; k < n; ++k) {
        s[k] = (gi[k] - static_cast<double>(p) * ui[k]) / static_cast<double>(n) + l.b[k];
        if (std::abs(s[k]) <= 1e-9 * (mass * (1.0 + static_cast<double>(p)) + std::abs(l.b[k])))
          s[k] = detail::row_dot(l.w.data() + k * n, ui, static_cast<int>(n)) + l.b[k];
      }
      l.transf.apply(s.data(), o.data(), static_cast<int>(n));
      // Layer::step's rule: stop once a later pass changes the state by at most delta
      // (iterations = that pass's index), or after max_iter passes (iterations = max_iter).
      bool converged = false;
      if (it > 0) {
        double diff = 0;
        for (int64_t k = 0; k < n; ++k) diff += std::abs(o[k] - ui[k]);
        converged = diff <= l.delta;
      }
      const bool done = converged || it + 1 == l.max_iter;
      const int64_t row = which[i];
      iterations[row] = converged ? it : it + 1;
      if (done) {
        std::copy(o.begin(), o.end(), result.row(row));
        if (row == rows - 1) std::copy(ui, ui + n, last_u.begin());
      } else {
        // Pack the next state of the probes still iterating at the front of cur.
        std::copy(o.begin(), o.end(), ud + kept * n);
        which[kept++] = row;
      }
    }
    active = kept;
  }

  // The state stepping through every row would leave: the last row's.
  const int64_t last = rows - 1;
  std::copy(input.row(last), input.row(last) + n, net.inp.begin());
  std::copy(input.row(last), input.row(last) + n, l.inp.begin());
  // s of the last row's final pass, summed as Layer::step sums it.
  for (int64_t k = 0; k < n; ++k)
    l.s[k] = detail::row_dot(l.w.data() + k * n, last_u.data(), static_cast<int>(n)) + l.b[k];
  std::copy(result.row(last), result.row(last) + n, l.out.begin());
  std::copy(result.row(last), result.row(last) + n, net.out.begin());
  l.iterations = static_cast<int>(iterations[last]);
  return result;
}

}  // namespace mz::classic::nl::detail
