// Competitive trainers of neurolab.train.wta and .lvq (spec §8): train_wta, train_cwta
// (prototypes re-seeded from the data on every call) and train_lvq (LVQ1, and the
// adapt=false quirk B7).
#include <cmath>

#include "mz/classic/neurolab/init.h"
#include "mz/classic/neurolab/net.h"
#include "mz/classic/neurolab/train.h"
#include "mz/core/error.h"

namespace mz::classic::nl::detail {

namespace {
int argmax(const std::vector<double>& v) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(v.size()); ++i)
    if (v[i] > v[best]) best = i;
  return best;
}
}  // namespace

std::vector<double> run_wta(Net& net, const Matrix& input, const TrainOptions& o,
                            bool conscience) {
  const double lr = o.lr.value_or(0.01);
  Layer& layer = net.layers[0];
  if (layer.kind != LayerKind::competitive)
    throw ValueError(str(conscience ? "train_cwta" : "train_wta",
                         ": layer 0 must be competitive: expected a newc network, got "
                         "another layer kind."));
  const int ci = layer.ci;
  // TrainWTA.__init__: every prototype becomes a random sample (quirk B6).
  Random& rng = random();
  for (int k = 0; k < layer.cn; ++k) {
    const double* x = input.row(static_cast<std::size_t>(rng.randint(0, input.rows())));
    std::copy(x, x + ci, layer.w.begin() + static_cast<std::ptrdiff_t>(k) * ci);
  }
  EpochLog log(o);
  Matrix winners(input.rows(), ci);
  while (true) {
    // Error: errorf(w[winner(x)], x) over the set, winners from sim.
    for (std::size_t r = 0; r < input.rows(); ++r) {
      int k = argmax(net.step(input.row(r)));
      std::copy(layer.w.begin() + static_cast<std::ptrdiff_t>(k) * ci,
                layer.w.begin() + static_cast<std::ptrdiff_t>(k + 1) * ci, winners.row(r));
    }
    if (log.record((*net.errorf)(winners, input))) break;
    for (std::size_t r = 0; r < input.rows(); ++r) {
      const double* x = input.row(r);
      int k = argmax(net.step(x));
      double d = layer.last_dist[k];
      if (conscience) layer.conscience[k] += 1;
      double* wk = layer.w.data() + static_cast<std::size_t>(k) * ci;
      for (int i = 0; i < ci; ++i) wk[i] += lr * d * (x[i] - wk[i]);
    }
    if (conscience) std::fill(layer.conscience.begin(), layer.conscience.end(), 1.0);
  }
  return log.errors();
}

std::vector<double> run_lvq(Net& net, const Matrix& input, const Matrix& target,
                            const TrainOptions& o) {
  const double lr = o.lr.value_or(0.01);
  const bool adapt = o.adapt.value_or(true);
  Layer& layer = net.layers[0];
  if (layer.kind != LayerKind::competitive)
    throw ValueError("train_lvq: layer 0 must be competitive: expected a newlvq network, got "
                     "another layer kind.");
  const int ci = layer.ci, co = net.co;
  EpochLog log(o);
  if (adapt) {
    while (true) {
      if (log.record((*net.errorf)(target, net.sim(input)))) break;
      for (std::size_t r = 0; r < input.rows(); ++r) {
        const double* x = input.row(r);
        const std::vector<double>& out = net.step(x);
        const double* t = target.row(r);
        double emax = t[0] - out[0];
        for (int k = 1; k < co; ++k) emax = std::max(emax, t[k] - out[k]);
        int win = argmax(layer.out);
        double* wk = layer.w.data() + static_cast<std::size_t>(win) * ci;
        const double sgn = emax == 0.0 ? 1.0 : -1.0;
        for (int i = 0; i < ci; ++i) {
          double step = lr * (x[i] - wk[i]);
          wk[i] = sgn > 0 ? wk[i] + step : wk[i] - step;
        }
      }
    }
  } else {
    // NOTE: neurolab's batch branch always attracts, and for a prototype that wins several
    // samples only the last sample's move survives (numpy fancy-index +=; quirk B7).
    Matrix output(input.rows(), co);
    std::vector<int> winners(input.rows());
    Matrix moved(input.rows(), ci);
    while (true) {
      for (std::size_t r = 0; r < input.rows(); ++r) {
        const std::vector<double>& out = net.step(input.row(r));
        std::copy(out.begin(), out.end(), output.row(r));
        winners[r] = argmax(layer.out);
      }
      if (log.record((*net.errorf)(target, output))) break;
      for (std::size_t r = 0; r < input.rows(); ++r) {
        const double* wk = layer.w.data() + static_cast<std::size_t>(winners[r]) * ci;
        for (int i = 0; i < ci; ++i) moved(r, i) = wk[i] + lr * (input(r, i) - wk[i]);
      }
      for (std::size_t r = 0; r < input.rows(); ++r)
        std::copy(moved.row(r), moved.row(r) + ci,
                  layer.w.begin() + static_cast<std::ptrdiff_t>(winners[r]) * ci);
    }
  }
  return log.errors();
}

}  // namespace mz::classic::nl::detail
