// Training framework: input checks and dispatch (neurolab.core.Trainer), the epoch callback,
// back-propagation (tool.ff_grad) and regularisation (tool.reg_*).
#include "mz/classic/neurolab/train.h"

#include <cmath>
#include <iostream>

#include "mz/classic/neurolab/net.h"
#include "mz/core/error.h"

namespace mz::classic::nl {

const char* Trainer::name() const {
  switch (kind) {
    case TrainerKind::none: return "None";
    case TrainerKind::delta: return "train_delta";
    case TrainerKind::gd: return "train_gd";
    case TrainerKind::gdm: return "train_gdm";
    case TrainerKind::gda: return "train_gda";
    case TrainerKind::gdx: return "train_gdx";
    case TrainerKind::rprop: return "train_rprop";
    case TrainerKind::bfgs: return "train_bfgs";
    case TrainerKind::cg: return "train_cg";
    case TrainerKind::ncg: return "train_ncg";
    case TrainerKind::wta: return "train_wta";
    case TrainerKind::cwta: return "train_cwta";
    case TrainerKind::lvq: return "train_lvq";
  }
  return "?";
}

std::vector<double> Trainer::operator()(Net& net, const Matrix& input, const Matrix* target,
                                        const TrainOptions& o) const {
  const std::string who = name();
  if (kind == TrainerKind::none)
    throw ValueError(str("Net.train: this network has no training function: expected a "
                         "trainf such as train_gd, got None."));
  if (static_cast<int>(input.cols()) != net.ci)
    throw ShapeError(str(who, ": input width: expected (samples, ", net.ci, "), got ",
                         input.shape_str(), "."));
  if (input.rows() == 0)
    throw ValueError(str(who, ": empty training set: expected at least 1 sample, got 0."));
  const bool unsupervised = kind == TrainerKind::wta || kind == TrainerKind::cwta;
  if (unsupervised && target != nullptr)
    throw ValueError(str(who, ": takes no target: expected train(input), got a target ",
                         target->shape_str(), "."));
  if (!unsupervised) {
    if (target == nullptr)
      throw ValueError(str(who, ": needs a target: expected train(input, target), got none."));
    if (static_cast<int>(target->cols()) != net.co || target->rows() != input.rows())
      throw ShapeError(str(who, ": target shape: expected (", input.rows(), ", ", net.co,
                           "), got ", target->shape_str(), "."));
  }
  if (o.epochs < 1)
    throw ValueError(str(who, ": epochs must be positive: expected >= 1, got ", o.epochs, "."));
  const bool has_rr = kind == TrainerKind::gd || kind == TrainerKind::gdm ||
                      kind == TrainerKind::gda || kind == TrainerKind::gdx ||
                      kind == TrainerKind::bfgs || kind == TrainerKind::cg ||
                      kind == TrainerKind::ncg;
  if (!has_rr && o.rr != 0.0)
    throw ValueError(str(who, ": rr is not a parameter of this trainer: expected 0, got ",
                         o.rr, "."));
  if (!net.errorf)
    throw ValueError(str(who, ": the network has no error function: expected errorf, got "
                         "None."));
  switch (kind) {
    case TrainerKind::delta: return detail::run_delta(net, input, *target, o);
    case TrainerKind::gd:
    case TrainerKind::gdm:
    case TrainerKind::gda:
    case TrainerKind::gdx: return detail::run_gd(net, input, *target, o, kind);
    case TrainerKind::rprop: return detail::run_rprop(net, input, *target, o);
    case TrainerKind::bfgs:
    case TrainerKind::cg:
    case TrainerKind::ncg: return detail::run_opt(net, input, *target, o, kind);
    case TrainerKind::wta: return detail::run_wta(net, input, o, false);
    case TrainerKind::cwta: return detail::run_wta(net, input, o, true);
    case TrainerKind::lvq: return detail::run_lvq(net, input, *target, o);
    case TrainerKind::none: break;
  }
  return {};
}

namespace detail {

bool EpochLog::record(double err) {
  errors_.push_back(err);
  const int epoch = static_cast<int>(errors_.size());
  const int show = options_.show;
  if (show && epoch % show == 0) std::cout << "Epoch: " << epoch << "; Error: " << err << ";\n";
  if (err < options_.goal) {
    if (show) std::cout << "The goal of learning is reached\n";
    return true;
  }
  if (epoch >= options_.epochs) {
    if (show) std::cout << "The maximum number of train epochs is reached\n";
    return true;
  }
  return false;
}

Backprop::Backprop(const Net& net) {
  const std::size_t n = net.layers.size();
  delta_.resize(n);
  deriv_.resize(n);
  offset_.resize(n);
  std::size_t at = 0;
  for (std::size_t l = 0; l < n; ++l) {
    const Layer& layer = net.layers[l];
    if (layer.kind != LayerKind::perceptron)
      throw ValueError(str("ff_grad: layer ", l, " cannot be back-propagated: expected a "
                           "Perceptron layer, got another kind."));
    if (l + 1 < n && net.layers[l + 1].ci != layer.cn)
      throw ShapeError(str("ff_grad: layer ", l + 1, " must read exactly layer ", l,
                           "'s output: expected ", layer.cn, " inputs, got ",
                           net.layers[l + 1].ci, "."));
    delta_[l].assign(layer.cn, 0.0);
    deriv_[l].assign(layer.cn, 0.0);
    offset_[l] = at;
    at += layer.w.size() + layer.b.size();
  }
  dout_.assign(net.co, 0.0);
  if (net.layers.empty() || net.layers.back().cn != net.co)
    throw ShapeError(str("ff_grad: the net output must be the last layer's output: expected ",
                         net.co, " neurons, got ", net.layers.empty() ? 0 : net.layers.back().cn,
                         "."));
}

void Backprop::run(Net& net, const double* input, const double* target, std::size_t rows,
                   std::vector<double>& grad, Matrix* output) {
  const int n = static_cast<int>(net.layers.size());
  const int co = net.co;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::vector<double>& out = net.step(input + r * net.ci);
    if (output) std::copy(out.begin(), out.end(), output->row(r));
    const double* t = target + r * co;
    net.errorf->deriv(t, out.data(), co, dout_.data());
    for (int l = n - 1; l >= 0; --l) {
      Layer& layer = net.layers[l];
      std::vector<double>& d = delta_[l];
      const double* y = l == n - 1 ? out.data() : layer.out.data();
      layer.transf.deriv(layer.s.data(), y, deriv_[l].data(), layer.cn);
      if (l == n - 1) {
        for (int k = 0; k < layer.cn; ++k) d[k] = -(dout_[k] * deriv_[l][k]);
      } else {
        const Layer& next = net.layers[l + 1];
        const std::vector<double>& dn = delta_[l + 1];
        for (int k = 0; k < layer.cn; ++k) d[k] = 0.0;
        for (int j = 0; j < next.cn; ++j) {
          const double* wj = next.w.data() + static_cast<std::size_t>(j) * next.ci;
          for (int k = 0; k < layer.cn; ++k) d[k] += wj[k] * dn[j];
        }
        for (int k = 0; k < layer.cn; ++k) d[k] *= deriv_[l][k];
      }
      double* gw = grad.data() + offset_[l];
      double* gb = gw + layer.w.size();
      const double* in = layer.inp.data();
      for (int k = 0; k < layer.cn; ++k) {
        double* gk = gw + static_cast<std::size_t>(k) * layer.ci;
        for (int i = 0; i < layer.ci; ++i) gk[i] += d[k] * in[i];
        gb[k] += d[k];
      }
    }
  }
}

double reg_penalty(const Net& net, double rr) {
  double w2 = 0, b2 = 0;
  for (const Layer& l : net.layers) {
    for (double v : l.w) w2 += v * v;
    for (double v : l.b) b2 += v * v;
  }
  return rr * std::sqrt(w2) + rr * std::sqrt(b2);
}

void add_reg_grad(const Net& net, double rr, std::vector<double>& grad) {
  std::size_t at = 0;
  for (const Layer& l : net.layers)
    for (const std::vector<double>* p : l.params()) {
      for (double v : *p) grad[at++] += rr * v;
    }
}

}  // namespace detail

}  // namespace mz::classic::nl
