// neurolab's network constructors (neurolab.net, spec §5): newp, newff, newc, newlvq, newelm,
// newhop, newhem, newgrnn, newpnn. minmax is (inputs, 2): one (min, max) row per input.
#pragma once

#include <optional>
#include <vector>

#include "mz/classic/neurolab/net.h"

namespace mz::classic::nl {

// Single-layer perceptron ci -> cn; initwb_reg (all zeros with HardLim); train_delta, SSE.
// Throws ShapeError for a minmax that is not (ci, 2), ValueError for cn < 1.
Net newp(const Matrix& minmax, int cn, const Transfer& transf = HardLim());
// Feed-forward net of Perceptron layers size[0..L-1]; transf defaults to TanSig on every
// layer (output included); initnw; train_bfgs, SSE. Throws ValueError when transf is given
// with a length other than size's.
Net newff(const Matrix& minmax, const std::vector<int>& size,
          const std::vector<Transfer>& transf = {});
// Kohonen layer of cn neurons; midpoint init; train_cwta, SAE.
Net newc(const Matrix& minmax, int cn);
// LVQ: Competitive(ci, cn0) -> PureLin Perceptron(cn0, len(pc)); class n owns hidden
// neurons floor(cn0 cumsum(pc))[n-1] .. [n]-1. Throws ValueError unless sum(pc) == 1 exactly
// (neurolab's assertion) and cn0 > len(pc). train_lvq, MSE.
Net newlvq(const Matrix& minmax, int cn0, const std::vector<double>& pc);
// Elman net: like newff but layer 0 reads [x, its own previous output]; initwb_reg;
// train_gdx, MSE. The context persists until reset().
Net newelm(const Matrix& minmax, const std::vector<int>& size,
           const std::vector<Transfer>& transf = {});
// Hopfield net storing the rows of target (patterns, n) of ±1: W_ij = Σ_p t_pi t_pj / n,
// W_ii = 0, b = 0; HardLims by default; no trainer. Throws ValueError for values other than
// ±1, an empty target or max_init < 1.
Net newhop(const Matrix& target, std::optional<Transfer> transf = std::nullopt,
           int max_init = 10, double delta = 0);
// Hamming net: Perceptron(n -> m) with w_k = target_k / 2, b = n/2, SatLinPrm(0.1, 0, 10)
// by default, then a MAXNET recurrent layer (1 on the diagonal, -1/m elsewhere,
// SatLinPrm(1, 0, 1e6)). Throws ValueError for an empty target or max_iter < 1.
Net newhem(const Matrix& target, std::optional<Transfer> transf = std::nullopt,
           int max_iter = 10, double delta = 0);
// Generalised regression net: RBN(ci, len(x)) with centres x and b = bias, then
// Linear(len(x), y.cols()) with W = y: output Σ a_i y_i / Σ a_i. Fix: the output width is
// y's column count (neurolab uses x's). Throws ShapeError when x, y or minmax disagree.
Net newgrnn(const Matrix& minmax, const Matrix& x, const Matrix& y, double bias);
// Probabilistic net: RBN(ci, len(x)) then Competitive(len(x), d.cols()) whose weights are
// dᵀ (d: (samples, classes) indicator rows); output onehot(argmin_k |d[:, k] - a|). Fix: the
// output width is the class count (neurolab uses x's width).
Net newpnn(const Matrix& minmax, const Matrix& x, const Matrix& d, double bias);

}  // namespace mz::classic::nl
