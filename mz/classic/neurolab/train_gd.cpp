// Gradient trainers of neurolab.train.gd and .delta (spec §8): train_delta, train_gd,
// train_gdm, train_gda, train_gdx and train_rprop, with neurolab's epoch accounting.
#include <cmath>

#include "mz/classic/neurolab/net.h"
#include "mz/classic/neurolab/train.h"

namespace mz::classic::nl::detail {

namespace {

// theta (flat order, layer by layer) -= step, applied to the layers in place.
template <class F>
void update_params(Net& net, F&& fn) {
  std::size_t at = 0;
  for (Layer& l : net.layers)
    for (std::vector<double>* p : l.params())
      for (double& v : *p) fn(v, at++);
}

double error_of(Net& net, const Matrix& input, const Matrix& target) {
  return (*net.errorf)(target, net.sim(input));
}

}  // namespace

std::vector<double> run_delta(Net& net, const Matrix& input, const Matrix& target,
                              const TrainOptions& o) {
  const double lr = o.lr.value_or(0.01);
  EpochLog log(o);
  Layer& layer = net.layers[0];
  std::vector<double> err(net.co);
  while (true) {
    if (log.record(error_of(net, input, target))) break;
    for (std::size_t r = 0; r < input.rows(); ++r) {
      const double* x = input.row(r);
      const std::vector<double>& out = net.step(x);
      const double* t = target.row(r);
      for (int k = 0; k < net.co; ++k) err[k] = t[k] - out[k];
      for (int k = 0; k < layer.cn; ++k) {
        double* wk = layer.w.data() + static_cast<std::size_t>(k) * layer.ci;
        for (int i = 0; i < layer.ci; ++i) wk[i] += lr * err[k] * x[i];
        layer.b[k] += lr * err[k];
      }
    }
  }
  return log.errors();
}

std::vector<double> run_gd(Net& net, const Matrix& input, const Matrix& target,
                           const TrainOptions& o, TrainerKind kind) {
  double lr = o.lr.value_or(0.01);
  const bool adapt = o.adapt.value_or(false);
  const bool momentum = kind == TrainerKind::gdm || kind == TrainerKind::gdx;
  const bool adaptive = kind == TrainerKind::gda || kind == TrainerKind::gdx;
  // NOTE: neurolab's TrainGDX passes rr into TrainGDM's mc slot, so gdx drops rr (quirk B3).
  const double rr = kind == TrainerKind::gdx ? 0.0 : o.rr;
  const double mc = o.mc;
  EpochLog log(o);
  Backprop bp(net);
  const std::size_t size = net.np_size();
  std::vector<double> grad(size), vel(momentum ? size : 0, 0.0);
  std::vector<double> perf;  // TrainGDA.err: the un-regularised errors seen so far
  Matrix output(input.rows(), net.co);

  auto learn = [&]() {
    if (adaptive && perf.size() > 1) {
      double f = perf[perf.size() - 1] / perf[perf.size() - 2];
      if (f > o.max_perf_inc)
        lr *= o.lr_dec;
      else if (f < 1)
        lr *= o.lr_inc;
    }
    if (momentum) {
      const double scale = (1 - mc) * lr;
      update_params(net, [&](double& v, std::size_t i) {
        vel[i] = mc * vel[i] + scale * grad[i];
        v -= vel[i];
      });
    } else {
      update_params(net, [&](double& v, std::size_t i) { v -= lr * grad[i]; });
    }
  };

  while (true) {
    double e;
    if (!adapt) {
      std::fill(grad.begin(), grad.end(), 0.0);
      bp.run(net, input.data(), target.data(), input.rows(), grad, &output);
      if (rr > 0) add_reg_grad(net, rr, grad);
      e = (*net.errorf)(target, output);
      if (adaptive) perf.push_back(e);
      if (rr != 0) e += reg_penalty(net, rr);
      if (log.record(e)) break;
      learn();
    } else {
      for (std::size_t r = 0; r < input.rows(); ++r) {
        std::fill(grad.begin(), grad.end(), 0.0);
        bp.run(net, input.row(r), target.row(r), 1, grad, nullptr);
        if (rr > 0) add_reg_grad(net, rr, grad);
        learn();
      }
      e = error_of(net, input, target);
      if (adaptive) perf.push_back(e);
      // Fix (neurolab raises NameError here): the regularised error is reported.
      if (rr != 0) e += reg_penalty(net, rr);
      if (log.record(e)) break;
    }
  }
  return log.errors();
}

std::vector<double> run_rprop(Net& net, const Matrix& input, const Matrix& target,
                              const TrainOptions& o) {
  const double lr = o.lr.value_or(0.07);
  const bool adapt = o.adapt.value_or(false);
  EpochLog log(o);
  Backprop bp(net);
  const std::size_t size = net.np_size();
  std::vector<double> grad(size), grad_prev(size, 0.0), rate(size, 0.0 + lr);
  Matrix output(input.rows(), net.co);

  auto learn = [&]() {
    for (std::size_t i = 0; i < size; ++i) {
      double p = grad[i] * grad_prev[i];
      if (p > 0)
        rate[i] *= o.rate_inc;
      else if (p < 0)
        rate[i] *= o.rate_dec;
      if (rate[i] > o.rate_max) rate[i] = o.rate_max;
      if (rate[i] < o.rate_min) rate[i] = o.rate_min;
    }
    update_params(net, [&](double& v, std::size_t i) {
      double g = grad[i];
      v -= rate[i] * (g > 0 ? 1.0 : (g < 0 ? -1.0 : 0.0));
    });
    grad_prev = grad;
  };

  while (true) {
    if (!adapt) {
      std::fill(grad.begin(), grad.end(), 0.0);
      bp.run(net, input.data(), target.data(), input.rows(), grad, &output);
      if (log.record((*net.errorf)(target, output))) break;
      learn();
    } else {
      for (std::size_t r = 0; r < input.rows(); ++r) {
        std::fill(grad.begin(), grad.end(), 0.0);
        bp.run(net, input.row(r), target.row(r), 1, grad, nullptr);
        learn();
      }
      if (log.record(error_of(net, input, target))) break;
    }
  }
  return log.errors();
}

}  // namespace mz::classic::nl::detail
