// Training framework of mz::classic::nl (neurolab.core.Trainer, spec §6): the options every
// trainer takes, the trainer handles (train_gd, train_bfgs, ...) and the epoch bookkeeping.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mz/classic/neurolab/matrix.h"

namespace mz::classic::nl {

class Net;

// neurolab's train() keywords. Unset optionals take the trainer's own default (lr 0.01,
// rprop 0.07; adapt false, LVQ true). A keyword the trainer does not have must stay at its
// default, else train throws ValueError (neurolab: TypeError).
struct TrainOptions {
  int epochs = 500;     // at most this many errors are recorded
  int show = 100;       // print "Epoch: k; Error: e;" every `show` epochs; 0 = silent
  double goal = 0.01;   // stop once an epoch's error < goal
  std::optional<double> lr;
  std::optional<bool> adapt;  // gd family, rprop: per-sample updates; lvq: LVQ1 (default)
  double rr = 0.0;            // regularisation (gd, gdm, gda, bfgs, cg, ncg; gdx ignores it)
  double mc = 0.9;            // momentum (gdm, gdx)
  double lr_inc = 1.05, lr_dec = 0.7, max_perf_inc = 1.04;  // gda, gdx
  double rate_dec = 0.5, rate_inc = 1.2, rate_min = 1e-9, rate_max = 50;  // rprop
  double gtol = 1e-5;  // bfgs, cg: stop when max |gradient| <= gtol
  double xtol = 1e-5;  // ncg: stop when sum |step| <= xtol
};

enum class TrainerKind {
  none, delta, gd, gdm, gda, gdx, rprop, bfgs, cg, ncg, wta, cwta, lvq
};

// A training algorithm, as stored in Net::trainf and called by Net::train.
struct Trainer {
  TrainerKind kind = TrainerKind::none;
  // neurolab's name ("train_gd"), or "None".
  const char* name() const;
  // Trains `net` on input (samples, ci) and target (samples, co) (nullptr for wta/cwta),
  // returning the error of each recorded epoch. Throws ShapeError for widths or row counts
  // that do not fit, ValueError for an empty set, an option this trainer lacks or a net
  // without a trainer.
  std::vector<double> operator()(Net& net, const Matrix& input, const Matrix* target,
                                 const TrainOptions& options) const;
};

inline constexpr Trainer train_delta{TrainerKind::delta};  // perceptron (delta) rule
inline constexpr Trainer train_gd{TrainerKind::gd};        // gradient descent
inline constexpr Trainer train_gdm{TrainerKind::gdm};      // ... with momentum
inline constexpr Trainer train_gda{TrainerKind::gda};      // ... with adaptive lr
inline constexpr Trainer train_gdx{TrainerKind::gdx};      // ... with momentum and adaptive lr
inline constexpr Trainer train_rprop{TrainerKind::rprop};  // resilient backpropagation
inline constexpr Trainer train_bfgs{TrainerKind::bfgs};    // quasi-Newton BFGS
inline constexpr Trainer train_cg{TrainerKind::cg};        // Polak-Ribiere conjugate gradient
inline constexpr Trainer train_ncg{TrainerKind::ncg};      // Newton conjugate gradient
inline constexpr Trainer train_wta{TrainerKind::wta};      // winner takes all
inline constexpr Trainer train_cwta{TrainerKind::cwta};    // ... with conscience
inline constexpr Trainer train_lvq{TrainerKind::lvq};      // learning vector quantisation

namespace detail {

// The epoch callback (spec §6): records err, prints every `show` epochs, and says whether
// training stops (err < goal, or epochs reached).
class EpochLog {
 public:
  explicit EpochLog(const TrainOptions& options) : options_(options) {}
  // Appends err; true when training must stop now.
  bool record(double err);
  std::vector<double>& errors() { return errors_; }

 private:
  const TrainOptions& options_;
  std::vector<double> errors_;
};

// Flat gradient of net's error over the samples (spec §7, tool.ff_grad): steps the net
// through each row, back-propagates the per-sample derivative, sums into `grad` (np_size
// entries, flat order) and writes each output row to `output` when non-null.
class Backprop {
 public:
  explicit Backprop(const Net& net);
  void run(Net& net, const double* input, const double* target, std::size_t rows,
           std::vector<double>& grad, Matrix* output);

 private:
  std::vector<std::vector<double>> delta_, deriv_;
  std::vector<std::size_t> offset_;  // flat offset of each layer's w
  std::vector<double> dout_;
};

// ‖all w‖₂ and ‖all b‖₂ over the layers (tool.reg_norms).
double reg_penalty(const Net& net, double rr);
// grad += rr * theta, per layer w and b.
void add_reg_grad(const Net& net, double rr, std::vector<double>& grad);

std::vector<double> run_delta(Net&, const Matrix&, const Matrix&, const TrainOptions&);
std::vector<double> run_gd(Net&, const Matrix&, const Matrix&, const TrainOptions&, TrainerKind);
std::vector<double> run_rprop(Net&, const Matrix&, const Matrix&, const TrainOptions&);
std::vector<double> run_opt(Net&, const Matrix&, const Matrix&, const TrainOptions&,
                            TrainerKind);
std::vector<double> run_wta(Net&, const Matrix&, const TrainOptions&, bool conscience);
std::vector<double> run_lvq(Net&, const Matrix&, const Matrix&, const TrainOptions&);

}  // namespace detail

}  // namespace mz::classic::nl
