// Network constructors with neurolab's defaults (spec §5), and their argument checks.
#include "mz/classic/neurolab/constructors.h"

#include <cmath>

#include "mz/classic/neurolab/init.h"
#include "mz/core/error.h"

namespace mz::classic::nl {

namespace {

void check_minmax(const char* who, const Matrix& minmax) {
  if (minmax.cols() != 2 || minmax.rows() == 0)
    throw ShapeError(str(who, ": minmax must hold one (min, max) row per input: expected "
                         "(inputs, 2), got ", minmax.shape_str(), "."));
}

void check_sizes(const char* who, const std::vector<int>& size,
                 const std::vector<Transfer>& transf) {
  if (size.empty())
    throw ValueError(str(who, ": size lists the neurons per layer: expected at least 1 "
                         "layer, got 0."));
  for (int s : size)
    if (s < 1)
      throw ValueError(str(who, ": every layer needs neurons: expected sizes >= 1, got ", s,
                           "."));
  if (!transf.empty() && transf.size() != size.size())
    throw ValueError(str(who, ": one transfer per layer: expected ", size.size(),
                         " transfer functions, got ", transf.size(), "."));
}

Connect chain(std::size_t n) {
  Connect c;
  for (std::size_t i = 0; i <= n; ++i) c.push_back({static_cast<int>(i) - 1});
  return c;
}

Matrix same_rows(std::size_t n, double lo, double hi) {
  Matrix m(n, 2);
  for (std::size_t i = 0; i < n; ++i) m(i, 0) = lo, m(i, 1) = hi;
  return m;
}

void check_bipolar(const char* who, const Matrix& target) {
  if (target.rows() == 0 || target.cols() == 0)
    throw ValueError(str(who, ": target holds the patterns to store: expected (patterns, "
                         "n) with both >= 1, got ", target.shape_str(), "."));
  for (std::size_t r = 0; r < target.rows(); ++r)
    for (std::size_t c = 0; c < target.cols(); ++c)
      if (target(r, c) != 1.0 && target(r, c) != -1.0)
        throw ValueError(str(who, ": patterns must be bipolar: expected -1 or 1, got ",
                             target(r, c), " at (", r, ", ", c, ")."));
}

}  // namespace

Net newp(const Matrix& minmax, int cn, const Transfer& transf) {
  check_minmax("newp", minmax);
  if (cn < 1) throw ValueError(str("newp: cn: expected >= 1 neurons, got ", cn, "."));
  int ci = static_cast<int>(minmax.rows());
  return Net(minmax, cn, {Layer::perceptron(ci, cn, transf)}, {{-1}, {0}}, train_delta, SSE());
}

Net newff(const Matrix& minmax, const std::vector<int>& size,
          const std::vector<Transfer>& transf) {
  check_minmax("newff", minmax);
  check_sizes("newff", size, transf);
  std::vector<Layer> layers;
  for (std::size_t i = 0; i < size.size(); ++i) {
    int ci = i > 0 ? size[i - 1] : static_cast<int>(minmax.rows());
    Layer l = Layer::perceptron(ci, size[i], transf.empty() ? Transfer(TanSig()) : transf[i]);
    l.initf = {initnw};
    layers.push_back(std::move(l));
  }
  return Net(minmax, size.back(), std::move(layers), chain(size.size()), train_bfgs, SSE());
}

Net newc(const Matrix& minmax, int cn) {
  check_minmax("newc", minmax);
  if (cn < 1) throw ValueError(str("newc: cn: expected >= 1 neurons, got ", cn, "."));
  int ci = static_cast<int>(minmax.rows());
  return Net(minmax, cn, {Layer::competitive(ci, cn)}, {{-1}, {0}}, train_cwta, SAE());
}

Net newlvq(const Matrix& minmax, int cn0, const std::vector<double>& pc) {
  check_minmax("newlvq", minmax);
  double sum = 0;
  for (double v : pc) sum += v;
  if (sum != 1.0)
    throw ValueError(str("newlvq: class percentages pc must sum to 1: expected 1, got ",
                         sum, " (the check is exact in floating point, as neurolab's).")); 
  const int cn1 = static_cast<int>(pc.size());
  if (cn0 <= cn1)
    throw ValueError(str("newlvq: more prototypes than classes needed: expected cn0 > ", cn1,
                         ", got ", cn0, "."));
  const int ci = static_cast<int>(minmax.rows());
  Layer inp = Layer::competitive(ci, cn0);
  Layer out = Layer::perceptron(cn0, cn1, PureLin());
  out.initf.clear();
  double cum = 0;
  int start = 0;
  for (int n = 0; n < cn1; ++n) {
    cum += pc[n];
    int end = static_cast<int>(std::floor(cn0 * cum));
    for (int k = start; k < end; ++k) out.w[static_cast<std::size_t>(n) * cn0 + k] = 1.0;
    start = end;
  }
  return Net(minmax, cn1, {std::move(inp), std::move(out)}, {{-1}, {0}, {1}}, train_lvq, MSE());
}

Net newelm(const Matrix& minmax, const std::vector<int>& size,
           const std::vector<Transfer>& transf) {
  check_minmax("newelm", minmax);
  check_sizes("newelm", size, transf);
  std::vector<Layer> layers;
  for (std::size_t i = 0; i < size.size(); ++i) {
    int ci = i > 0 ? size[i - 1] : static_cast<int>(minmax.rows()) + size[0];
    layers.push_back(Layer::perceptron(ci, size[i], transf.empty() ? Transfer(TanSig()) : transf[i]));
  }
  Connect c = chain(size.size());
  c[0] = {-1, 0};
  return Net(minmax, size.back(), std::move(layers), c, train_gdx, MSE());
}

Net newhop(const Matrix& target, std::optional<Transfer> transf, int max_init, double delta) {
  check_bipolar("newhop", target);
  if (max_init < 1)
    throw ValueError(str("newhop: max_init: expected >= 1 iterations, got ", max_init, "."));
  const Transfer f = transf.value_or(HardLims());
  const int ci = static_cast<int>(target.cols());
  Layer l = Layer::recurrent(ci, ci, f, max_init, delta);
  for (int i = 0; i < ci; ++i)
    for (int j = 0; j < ci; ++j) {
      double acc = 0;
      if (i != j)
        for (std::size_t p = 0; p < target.rows(); ++p) acc += target(p, i) * target(p, j);
      l.w[static_cast<std::size_t>(i) * ci + j] = i == j ? 0.0 : acc / ci;
    }
  l.hebbian = std::make_shared<const HebbianMemory>(HebbianMemory{target, l.w});
  auto r = f.out_minmax();
  return Net(same_rows(ci, r[0], r[1]), ci, {std::move(l)}, {{-1}, {0}}, Trainer{},
             std::nullopt);
}

Net newhem(const Matrix& target, std::optional<Transfer> transf, int max_iter, double delta) {
  if (target.rows() == 0 || target.cols() == 0)
    throw ValueError(str("newhem: target holds the patterns to store: expected (patterns, n) "
                         "with both >= 1, got ", target.shape_str(), "."));
  if (max_iter < 1)
    throw ValueError(str("newhem: max_iter: expected >= 1 iterations, got ", max_iter, "."));
  const int cn = static_cast<int>(target.rows()), ci = static_cast<int>(target.cols());
  Layer inp = Layer::perceptron(ci, cn, transf.value_or(SatLinPrm(0.1, 0, 10)));
  inp.initf.clear();
  for (int k = 0; k < cn; ++k) {
    inp.b[k] = static_cast<double>(ci) / 2;
    for (int i = 0; i < ci; ++i) inp.w[static_cast<std::size_t>(k) * ci + i] = target(k, i) / 2;
  }
  Layer out = Layer::recurrent(cn, cn, SatLinPrm(1, 0, 1e6), max_iter, delta);
  const double eps = -1.0 / cn;
  for (int i = 0; i < cn; ++i)
    for (int j = 0; j < cn; ++j) out.w[static_cast<std::size_t>(i) * cn + j] = i == j ? 1.0 : eps;
  return Net(same_rows(ci, -1, 1), cn, {std::move(inp), std::move(out)}, {{-1}, {0}, {1}},
             Trainer{}, std::nullopt);
}

namespace {
Layer rbn_layer(const char* who, const Matrix& minmax, const Matrix& x, double bias) {
  check_minmax(who, minmax);
  if (x.rows() == 0 || x.cols() != minmax.rows())
    throw ShapeError(str(who, ": x holds the training inputs: expected (samples, ",
                         minmax.rows(), ") with samples >= 1, got ", x.shape_str(), "."));
  Layer l = Layer::rbn(static_cast<int>(x.cols()), static_cast<int>(x.rows()));
  l.w = x.values();
  std::fill(l.b.begin(), l.b.end(), bias);
  return l;
}
}  // namespace

Net newgrnn(const Matrix& minmax, const Matrix& x, const Matrix& y, double bias) {
  Layer rbn = rbn_layer("newgrnn", minmax, x, bias);
  if (y.rows() != x.rows() || y.cols() == 0)
    throw ShapeError(str("newgrnn: y holds one target row per sample: expected (", x.rows(),
                         ", outputs), got ", y.shape_str(), "."));
  const int n = static_cast<int>(x.rows()), co = static_cast<int>(y.cols());
  Layer lin = Layer::linear(n, co, PureLin());
  lin.initf.clear();
  lin.w = y.values();
  return Net(minmax, co, {std::move(rbn), std::move(lin)}, {{-1}, {0}, {1}}, Trainer{},
             std::nullopt);
}

Net newpnn(const Matrix& minmax, const Matrix& x, const Matrix& d, double bias) {
  Layer rbn = rbn_layer("newpnn", minmax, x, bias);
  if (d.rows() != x.rows() || d.cols() == 0)
    throw ShapeError(str("newpnn: d holds one class-indicator row per sample: expected (",
                         x.rows(), ", classes), got ", d.shape_str(), "."));
  const int n = static_cast<int>(x.rows()), k = static_cast<int>(d.cols());
  Layer comp = Layer::competitive(n, k);
  comp.initf.clear();
  for (int c = 0; c < k; ++c)
    for (int i = 0; i < n; ++i) comp.w[static_cast<std::size_t>(c) * n + i] = d(i, c);
  return Net(minmax, k, {std::move(rbn), std::move(comp)}, {{-1}, {0}, {1}}, Trainer{},
             std::nullopt);
}

}  // namespace mz::classic::nl
