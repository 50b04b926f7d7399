// Batched Hopfield recall through the stored patterns (hopfield_sim.h).
#include "mz/classic/neurolab/hopfield_sim.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "mz/classic/neurolab/net.h"
#include "mz/ops/linalg.h"

namespace mz::classic::nl::detail {

std::optional<Matrix> hebbian_sim(Net& net, const double* input, std::size_t input_rows) {
  if (net.layers.size() != 1 || input_rows == 0) return std::nullopt;
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
  const int64_t rows = static_cast<int64_t>(input_rows);
  const TensorOptions f64{.dtype = DType::f64, .device = Device::cpu()};

  Tensor pt = Tensor::empty({p, n}, f64);
  std::copy(patterns.data(), patterns.data() + p * n, pt.data<double>());
  Tensor ptt = pt.mT().contiguous();  // (n, p)
  Matrix result(input_rows, n);
  std::vector<int64_t> iterations(rows, 0);
  std::vector<double> last_u(n);  // the state the last row's final pass started from
  std::vector<double> o(n);
  const double inv_n = 1.0 / static_cast<double>(n);
  const double low = l.transf.kind() == TransferKind::hardlims ? -1.0 : 0.0;  // f(s <= 0)

  // out = f(W u + b) for one state u, from g = Pᵀ P u; a value within rounding of 0 is summed
  // again as Layer::step sums it, so the sign is stepping's.
  auto sign_pass = [&](const double* ui, const double* gi, double* out) {
    double mass[4] = {0, 0, 0, 0};  // sum |u|: bounds the rounding of both sums
    int64_t k = 0;
    for (; k + 4 <= n; k += 4)
      for (int j = 0; j < 4; ++j) mass[j] += std::abs(ui[k + j]);
    for (; k < n; ++k) mass[0] += std::abs(ui[k]);
    const double tol =
        1e-9 * ((mass[0] + mass[1]) + (mass[2] + mass[3])) * (1.0 + static_cast<double>(p));
    bool ties = false;
    {  // restrict: o, u, g and b never overlap, so this loop vectorises
      double* __restrict op = out;
      const double* __restrict up = ui;
      const double* __restrict gp = gi;
      const double* __restrict bp = l.b.data();
      const double pd = static_cast<double>(p);
      for (k = 0; k < n; ++k) {
        const double sk = (gp[k] - pd * up[k]) * inv_n + bp[k];
        ties |= std::abs(sk) <= tol + 1e-9 * std::abs(bp[k]);
        op[k] = sk > 0 ? 1.0 : low;
      }
    }
    if (ties)
      for (k = 0; k < n; ++k) {
        const double sk = (gi[k] - static_cast<double>(p) * ui[k]) * inv_n + l.b[k];
        if (std::abs(sk) <= tol + 1e-9 * std::abs(l.b[k]))
          out[k] =
              detail::row_dot(l.w.data() + k * n, ui, static_cast<int>(n)) + l.b[k] > 0 ? 1.0 : low;
      }
  };

  // The stored patterns that stepping leaves unchanged: a probe whose first pass lands on one
  // of them is done (the second pass would change nothing), without the second pass.
  std::vector<char> fixed(p, 0);
  if (l.max_iter > 1 && l.delta >= 0) {
    Tensor gpat = matmul(matmul(pt, ptt), pt);
    for (int64_t q = 0; q < p; ++q) {
      sign_pass(patterns.row(q), gpat.data<double>() + q * n, o.data());
      fixed[q] = std::equal(o.begin(), o.end(), patterns.row(q));
    }
  }

  // Blocks of probes, so the state and the products stay in cache; within a block, cur holds
  // the probes still iterating, packed, and which[i] the input row of cur's row i.
  const int64_t block = std::min<int64_t>(rows, 256);
  Tensor cur = Tensor::empty({block, n}, f64);
  std::vector<int64_t> which(block);
  for (int64_t first = 0; first < rows; first += block) {
    int64_t active = std::min(block, rows - first);
    std::copy(input + first * n, input + (first + active) * n, cur.data<double>());
    for (int64_t i = 0; i < active; ++i) which[i] = first + i;
    for (int it = 0; it < l.max_iter && active > 0; ++it) {
      Tensor u = cur.slice(0, 0, active);
      Tensor h = matmul(u, ptt);  // (active, p): the overlaps P u
      Tensor g = matmul(h, pt);   // (active, n): Pᵀ P u per probe
      const double* hd = h.data<double>();
      const double* gd = g.data<double>();
      double* ud = cur.data<double>();
      int64_t kept = 0;
      for (int64_t i = 0; i < active; ++i) {
        const double* ui = ud + i * n;
        const double* gi = gd + i * n;
        sign_pass(ui, gi, o.data());
        // After the first pass, a probe on a fixed stored pattern (the one it overlaps most)
        // stops at the second pass with iterations 1: skip that pass.
        if (it == 0 && l.max_iter > 1 && l.delta >= 0) {
          const double* hi = hd + i * p;
          const int64_t q = std::max_element(hi, hi + p) - hi;
          if (fixed[q] && std::equal(o.begin(), o.end(), patterns.row(q))) {
            const int64_t row = which[i];
            iterations[row] = 1;
            std::copy(o.begin(), o.end(), result.row(row));
            if (row == rows - 1) std::copy(o.begin(), o.end(), last_u.begin());
            continue;
          }
        }
        // Layer::step's change test: sum |o - u| <= delta, in its order (with delta 0, the
        // same as "nothing changed").
        bool small_change = true;
        if (l.delta == 0) {
          for (int64_t k = 0; k < n; ++k) small_change &= o[k] == ui[k];
        } else {
          double diff = 0;
          for (int64_t k = 0; k < n; ++k) diff += std::abs(o[k] - ui[k]);
          small_change = diff <= l.delta;
        }
        // Layer::step's rule: stop once a later pass changes the state by at most delta
        // (iterations = that pass's index), or after max_iter passes (iterations = max_iter).
        const bool converged = it > 0 && small_change;
        const bool done = converged || it + 1 == l.max_iter;
        const int64_t row = which[i];
        iterations[row] = converged ? it : it + 1;
        if (done) {
          std::copy(o.begin(), o.end(), result.row(row));
          if (row == rows - 1) std::copy(ui, ui + n, last_u.begin());
        } else {
          // The next state of the probes still iterating, packed at the front of cur.
          std::copy(o.begin(), o.end(), ud + kept * n);
          which[kept++] = row;
        }
      }
      active = kept;
    }
  }

  // The state stepping through every row would leave: the last row's.
  const int64_t last = rows - 1;
  std::copy(input + last * n, input + (last + 1) * n, net.inp.begin());
  std::copy(input + last * n, input + (last + 1) * n, l.inp.begin());
  // s of the last row's final pass, summed as Layer::step sums it.
  for (int64_t k = 0; k < n; ++k)
    l.s[k] = detail::row_dot(l.w.data() + k * n, last_u.data(), static_cast<int>(n)) + l.b[k];
  std::copy(result.row(last), result.row(last) + n, l.out.begin());
  std::copy(result.row(last), result.row(last) + n, net.out.begin());
  l.iterations = static_cast<int>(iterations[last]);
  return result;
}

}  // namespace mz::classic::nl::detail
