// Layer: neurolab's layer types (Perceptron, Competitive, Reccurent, RBN, Linear; spec §1.2)
// in one value type: parameters, last input/output, ranges, transfer and init functions.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mz/classic/neurolab/matrix.h"
#include "mz/classic/neurolab/trans.h"

namespace mz::classic::nl {

struct Layer;
// An initialisation function (initnw, initwb_reg, InitRand(...), ...): rewrites a layer's
// parameters in place.
using InitFn = std::function<void(Layer&)>;

enum class LayerKind { perceptron, competitive, recurrent, rbn, linear };

// What newhop stored: the patterns (p, n) of ±1 and the w they built, W = (PᵀP - p I) / n.
// While a layer's w still equals `w`, Net::sim recalls through the patterns (hopfield_sim.h).
struct HebbianMemory {
  Matrix patterns;
  std::vector<double> w;
};

// One layer. Parameters in neurolab's flat order (spec §1.3): w then b, or w then conscience
// for a competitive layer. Fields are public so a run can start from given weights.
struct Layer {
  LayerKind kind = LayerKind::perceptron;
  int ci = 0, cn = 0, co = 0;
  Transfer transf = TanSig();
  std::vector<double> w;           // (cn, ci) row-major; Linear: (ci, cn)
  std::vector<double> b;           // (cn); empty for a competitive layer
  std::vector<double> conscience;  // (cn), competitive layers only, starts at 1
  std::vector<InitFn> initf;       // run in order by init(); may be empty
  Matrix inp_minmax;               // (ci, 2), filled by Net from the sources' ranges
  Matrix out_minmax;               // (co, 2)
  int max_iter = 10;               // Reccurent: iteration limit
  double delta = 0;                // Reccurent: stop when sum |o - u| <= delta
  // State of the last step (copies; never the caller's arrays).
  std::vector<double> inp, out, s, last_dist;
  int iterations = 0;  // Reccurent: len(outs) of the last step
  std::vector<double> cur_, o_;  // Reccurent: scratch for the iteration (not state)
  std::shared_ptr<const HebbianMemory> hebbian;  // Reccurent made by newhop; else null

  // s = W x + b, y = f(s); initf initwb_reg.
  static Layer perceptron(int ci, int cn, const Transfer& transf);
  // d_k = |w_k - x|, y = onehot(argmin conscience_k d_k); initf midpoint.
  static Layer competitive(int ci, int cn);
  // u <- f(W u + b) from u = x, at most max_iter times (spec §5 "Recurrent layer loop").
  static Layer recurrent(int ci, int cn, const Transfer& transf, int max_iter, double delta);
  // y_k = exp(-(b_k |w_k - x|)^2); w holds the centres; no initf.
  static Layer rbn(int ci, int cn);
  // s = (sum_i x_i W[i, :] + b) / sum_i x_i, y = f(s); W is (ci, cn); initf initwb_reg.
  static Layer linear(int ci, int cn, const Transfer& transf);

  // Computes out from x (ci values); keeps inp, s, out (and last_dist).
  void step(const double* x);
  // Runs every initf in order.
  void init();
  // The parameter arrays in flat order, with their neurolab names ("w", "b", "conscience").
  std::vector<std::vector<double>*> params();
  std::vector<const std::vector<double>*> params() const;
  std::vector<std::string> param_names() const;
  // The array of parameter `name`, or nullptr when the layer has none.
  std::vector<double>* param(const std::string& name);
};

namespace detail {
// w . u over n values, in the order Layer::step sums (for parity with neurolab's numpy sums).
double row_dot(const double* w, const double* u, int n);
}  // namespace detail

}  // namespace mz::classic::nl
