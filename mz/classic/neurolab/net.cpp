// Net: wiring checks, the step/sim walk over the connect list, and the flat parameter vector.
#include "mz/classic/neurolab/net.h"

#include <algorithm>

#include "mz/classic/neurolab/hopfield_sim.h"
#include "mz/core/error.h"

namespace mz::classic::nl {

Net::Net(Matrix inp_minmax_, int co_, std::vector<Layer> layers_, Connect connect_, Trainer trainf_,
         std::optional<ErrorFn> errorf_)
    : ci(static_cast<int>(inp_minmax_.rows())),
      co(co_),
      inp_minmax(std::move(inp_minmax_)),
      out_minmax(co_, 2),
      layers(std::move(layers_)),
      connect(std::move(connect_)),
      trainf(trainf_),
      errorf(errorf_),
      inp(ci, 0.0),
      out(co, 0.0) {
  if (inp_minmax.cols() != 2)
    throw ShapeError(str("Net: minmax must hold (min, max) per input: expected (", ci, ", 2), got ",
                         inp_minmax.shape_str(), "."));
  const int n = static_cast<int>(layers.size());
  if (static_cast<int>(connect.size()) != n + 1)
    throw ValueError(
        str("Net: connect needs one entry per layer plus one for the output: "
            "expected ",
            n + 1, " entries, got ", connect.size(), "."));
  std::vector<int> used(n, 0);
  for (std::size_t e = 0; e < connect.size(); ++e)
    for (int s : connect[e]) {
      if (s < -1 || s >= n)
        throw ValueError(str("Net: connect entry ", e, " names source ", s,
                             ": expected -1 (the net input) or a layer index in [0, ", n - 1,
                             "], got ", s, "."));
      if (s >= 0) ++used[s];
    }
  for (int l = 0; l < n; ++l)
    if (used[l] == 0)
      throw ValueError(str("Net: the output of layer ", l, " is used by nobody: expected ",
                           "its index in some connect entry, got none."));
  signal_.resize(connect.size());
  for (std::size_t e = 0; e < connect.size(); ++e) {
    Matrix& mm = e == static_cast<std::size_t>(n) ? out_minmax : layers[e].inp_minmax;
    std::size_t width = 0;
    for (int s : connect[e]) width += s == -1 ? inp_minmax.rows() : layers[s].out_minmax.rows();
    if (width != mm.rows())
      throw ShapeError(
          str("Net: connect entry ", e, " feeds ", width, " values into ",
              e == static_cast<std::size_t>(n) ? std::string("the net output") : str("layer ", e),
              ": expected ", mm.rows(), ", got ", width, "."));
    std::size_t at = 0;
    for (int s : connect[e]) {
      const Matrix& src = s == -1 ? inp_minmax : layers[s].out_minmax;
      for (std::size_t r = 0; r < src.rows(); ++r, ++at)
        mm(at, 0) = src(r, 0), mm(at, 1) = src(r, 1);
    }
    signal_[e].assign(width, 0.0);
  }
  init();
}

const std::vector<double>& Net::step(const std::vector<double>& x) {
  if (static_cast<int>(x.size()) != ci)
    throw ShapeError(str("Net.step: input width: expected ", ci, " values, got ", x.size(), "."));
  return step(x.data());
}

const std::vector<double>& Net::step(const double* x) {
  std::copy(x, x + ci, inp.begin());
  const std::size_t n = layers.size();
  for (std::size_t e = 0; e < connect.size(); ++e) {
    // Gather first (a self-loop reads the previous output), then compute the layer.
    double* dst = signal_[e].data();
    for (int s : connect[e]) {
      const std::vector<double>& src = s == -1 ? inp : layers[s].out;
      dst = std::copy(src.begin(), src.end(), dst);
    }
    if (e < n) layers[e].step(signal_[e].data());
  }
  std::copy(signal_[n].begin(), signal_[n].end(), out.begin());
  return out;
}

Matrix Net::sim(const Matrix& input) {
  if (static_cast<int>(input.cols()) != ci)
    throw ShapeError(
        str("Net.sim: input width: expected (samples, ", ci, "), got ", input.shape_str(), "."));
  return sim(input.data(), input.rows());
}

Matrix Net::sim(const double* input, std::size_t rows) {
  if (std::optional<Matrix> recalled = detail::hebbian_sim(*this, input, rows)) return *recalled;
  Matrix result(rows, co);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::vector<double>& o = step(input + r * static_cast<std::size_t>(ci));
    std::copy(o.begin(), o.end(), result.row(r));
  }
  return result;
}

void Net::reset() {
  std::fill(inp.begin(), inp.end(), 0.0);
  std::fill(out.begin(), out.end(), 0.0);
  for (Layer& l : layers) {
    std::fill(l.inp.begin(), l.inp.end(), 0.0);
    std::fill(l.out.begin(), l.out.end(), 0.0);
  }
}

void Net::init() {
  for (Layer& l : layers) l.init();
}

Net Net::copy() const { return *this; }

std::vector<double> Net::train(const Matrix& input, const Matrix& target,
                               const TrainOptions& options) {
  return trainf(*this, input, &target, options);
}

std::vector<double> Net::train(const Matrix& input, const TrainOptions& options) {
  return trainf(*this, input, nullptr, options);
}

std::size_t Net::np_size() const {
  std::size_t n = 0;
  for (const Layer& l : layers)
    for (const std::vector<double>* p : l.params()) n += p->size();
  return n;
}

std::vector<double> Net::np_get() const {
  std::vector<double> flat;
  flat.reserve(np_size());
  for (const Layer& l : layers)
    for (const std::vector<double>* p : l.params()) flat.insert(flat.end(), p->begin(), p->end());
  return flat;
}

void Net::np_set(const std::vector<double>& flat) {
  if (flat.size() != np_size())
    throw ShapeError(
        str("Net.np_set: parameter count: expected ", np_size(), ", got ", flat.size(), "."));
  std::size_t at = 0;
  for (Layer& l : layers)
    for (std::vector<double>* p : l.params()) {
      std::copy(flat.begin() + at, flat.begin() + at + p->size(), p->begin());
      at += p->size();
    }
}

}  // namespace mz::classic::nl
