// Layer construction and the forward step of each neurolab layer type.
#include "mz/classic/neurolab/layer.h"

#include <cmath>

#include "mz/classic/neurolab/init.h"

namespace mz::classic::nl {

namespace {

// Output range of a transfer for every neuron (spec §1.2).
Matrix ranges(const Transfer& f, int co) {
  Matrix m(co, 2);
  auto r = f.out_minmax();
  for (int i = 0; i < co; ++i) m(i, 0) = r[0], m(i, 1) = r[1];
  return m;
}


Layer make(LayerKind kind, int ci, int cn, const Transfer& transf) {
  Layer l;
  l.kind = kind;
  l.ci = ci, l.cn = cn, l.co = cn;
  l.transf = transf;
  l.w.assign(static_cast<std::size_t>(cn) * ci, 0.0);
  l.inp.assign(ci, 0.0);
  l.out.assign(cn, 0.0);
  l.s.assign(cn, 0.0);
  l.inp_minmax = Matrix(ci, 2);
  l.out_minmax = ranges(transf, cn);
  return l;
}

}  // namespace

// Long rows use 8 partial sums (as numpy's pairwise sum does), so
// the loop is not one serial chain of additions; short rows keep the plain order.
double detail::row_dot(const double* w, const double* u, int n) {
  if (n < 32) {
    double acc = 0;
    for (int i = 0; i < n; ++i) acc += w[i] * u[i];
    return acc;
  }
  double p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) p[j] += w[i + j] * u[i + j];
  double acc = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
  for (; i < n; ++i) acc += w[i] * u[i];
  return acc;
}

Layer Layer::perceptron(int ci, int cn, const Transfer& transf) {
  Layer l = make(LayerKind::perceptron, ci, cn, transf);
  l.b.assign(cn, 0.0);
  l.initf = {initwb_reg};
  return l;
}

Layer Layer::competitive(int ci, int cn) {
  Layer l = make(LayerKind::competitive, ci, cn, Competitive());
  l.conscience.assign(cn, 1.0);
  l.last_dist.assign(cn, 0.0);
  l.initf = {midpoint};
  return l;
}

Layer Layer::recurrent(int ci, int cn, const Transfer& transf, int max_iter, double delta) {
  Layer l = make(LayerKind::recurrent, ci, cn, transf);
  l.b.assign(cn, 0.0);
  l.max_iter = max_iter;
  l.delta = delta;
  return l;
}

Layer Layer::rbn(int ci, int cn) {
  Layer l = make(LayerKind::rbn, ci, cn, RadBas());
  l.b.assign(cn, 0.0);
  l.last_dist.assign(cn, 0.0);
  return l;
}

Layer Layer::linear(int ci, int cn, const Transfer& transf) {
  Layer l = make(LayerKind::linear, ci, cn, transf);
  l.b.assign(cn, 0.0);
  l.initf = {initwb_reg};
  return l;
}

void Layer::step(const double* x) {
  if (x != inp.data()) std::copy(x, x + ci, inp.begin());
  const double* u = inp.data();
  switch (kind) {
    case LayerKind::perceptron:
      for (int k = 0; k < cn; ++k) {
        s[k] = detail::row_dot(w.data() + static_cast<std::size_t>(k) * ci, u, ci) + b[k];
      }
      transf.apply(s.data(), out.data(), cn);
      break;
    case LayerKind::competitive:
    case LayerKind::rbn:
      for (int k = 0; k < cn; ++k) {
        const double* wk = w.data() + static_cast<std::size_t>(k) * ci;
        double acc = 0;
        for (int i = 0; i < ci; ++i) acc += (wk[i] - u[i]) * (wk[i] - u[i]);
        last_dist[k] = std::sqrt(acc);
        s[k] = kind == LayerKind::rbn ? b[k] * last_dist[k] : conscience[k] * last_dist[k];
      }
      transf.apply(s.data(), out.data(), cn);
      break;
    case LayerKind::linear: {
      double total = 0;
      for (int i = 0; i < ci; ++i) total += u[i];
      for (int j = 0; j < cn; ++j) s[j] = 0;
      for (int i = 0; i < ci; ++i)
        for (int j = 0; j < cn; ++j) s[j] += u[i] * w[static_cast<std::size_t>(i) * cn + j];
      for (int j = 0; j < cn; ++j) s[j] = (s[j] + b[j]) / total;
      transf.apply(s.data(), out.data(), cn);
      break;
    }
    case LayerKind::recurrent: {
      // u starts at x; each pass o = f(W u + b); stop when i > 0 and sum |o - u| <= delta.
      // cur and o are member buffers, so a recall allocates nothing.
      cur_.assign(u, u + ci);
      o_.assign(cn, 0.0);
      iterations = 0;
      for (int it = 0; it < max_iter; ++it) {
        for (int k = 0; k < cn; ++k)
          s[k] = detail::row_dot(w.data() + static_cast<std::size_t>(k) * ci, cur_.data(), ci) + b[k];
        transf.apply(s.data(), o_.data(), cn);
        if (it > 0) {
          double diff = 0;
          for (int k = 0; k < cn; ++k) diff += std::abs(o_[k] - cur_[k]);
          if (diff <= delta) break;
        }
        ++iterations;
        cur_.swap(o_);
        if (it + 1 == max_iter) cur_.swap(o_);  // keep the last o in o_
      }
      std::copy(o_.begin(), o_.end(), out.begin());
      break;
    }
  }
}

void Layer::init() {
  for (const InitFn& f : initf)
    if (f) f(*this);
}

std::vector<std::vector<double>*> Layer::params() {
  if (kind == LayerKind::competitive) return {&w, &conscience};
  return {&w, &b};
}

std::vector<const std::vector<double>*> Layer::params() const {
  if (kind == LayerKind::competitive) return {&w, &conscience};
  return {&w, &b};
}

std::vector<std::string> Layer::param_names() const {
  if (kind == LayerKind::competitive) return {"w", "conscience"};
  return {"w", "b"};
}

std::vector<double>* Layer::param(const std::string& name) {
  if (name == "w") return &w;
  if (name == "b" && kind != LayerKind::competitive) return &b;
  if (name == "conscience" && kind == LayerKind::competitive) return &conscience;
  return nullptr;
}

}  // namespace mz::classic::nl
