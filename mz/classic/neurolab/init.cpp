// Initialisation functions and numpy's legacy random stream (spec §4, §15.1).
#include "mz/classic/neurolab/init.h"

#include <cmath>

#include "mz/core/error.h"

namespace mz::classic::nl {

double Random::rand() {
  std::uint32_t a = mt_() >> 5, b = mt_() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

std::int64_t Random::randint(std::int64_t lo, std::int64_t hi) {
  if (hi <= lo)
    throw ValueError(str("randint: empty range: expected lo < hi, got [", lo, ", ", hi, ")."));
  std::uint64_t rng = static_cast<std::uint64_t>(hi - lo - 1);
  if (rng == 0) return lo;
  std::uint64_t mask = rng;
  for (int sh = 1; sh <= 32; sh <<= 1) mask |= mask >> sh;
  if (rng <= 0xFFFFFFFFull) {
    std::uint64_t v;
    do v = mt_() & mask; while (v > rng);
    return lo + static_cast<std::int64_t>(v);
  }
  std::uint64_t v;
  do {
    std::uint64_t hi32 = mt_(), lo32 = mt_();
    v = ((hi32 << 32) | lo32) & mask;
  } while (v > rng);
  return lo + static_cast<std::int64_t>(v);
}

Random& random() {
  thread_local Random r;
  return r;
}

void seed(std::uint32_t s) { random().seed(s); }

void init_rand(Layer& layer, double min, double max, const std::string& init_prop) {
  std::vector<double>* p = layer.param(init_prop);
  if (p == nullptr)
    throw ValueError(str("init_rand: the layer has no property \"", init_prop,
                         "\": expected one of w, ", layer.kind == LayerKind::competitive
                                                         ? "conscience" : "b",
                         ", got \"", init_prop, "\"."));
  Random& r = random();
  for (double& v : *p) v = r.uniform(min, max);
}

namespace {
// initwb_reg's range: inp_active with inf -> ±100, divided by 2cn.
std::array<double, 2> reg_range(const Layer& layer) {
  auto a = layer.transf.inp_active();
  if (std::isinf(a[0])) a[0] = -100.0;
  if (std::isinf(a[1])) a[1] = 100.0;
  return {a[0] / (2.0 * layer.cn), a[1] / (2.0 * layer.cn)};
}

// numpy.linspace(lo, hi, n).
void linspace(double lo, double hi, std::vector<double>& out) {
  std::size_t n = out.size();
  if (n == 0) return;
  if (n == 1) {
    out[0] = lo;
    return;
  }
  double step = (hi - lo) / static_cast<double>(n - 1);
  for (std::size_t i = 0; i < n; ++i) out[i] = lo + static_cast<double>(i) * step;
  out[n - 1] = hi;
}
}  // namespace

void initwb_reg(Layer& layer) {
  auto r = reg_range(layer);
  init_rand(layer, r[0], r[1], "w");
  if (layer.param("b") != nullptr) init_rand(layer, r[0], r[1], "b");
}

void initwb_lin(Layer& layer) {
  auto r = reg_range(layer);
  for (std::vector<double>* p : layer.params()) linspace(r[0], r[1], *p);
}

void init_zeros(Layer& layer) {
  for (std::vector<double>* p : layer.params()) std::fill(p->begin(), p->end(), 0.0);
}

void midpoint(Layer& layer) {
  for (int k = 0; k < layer.cn; ++k)
    for (int i = 0; i < layer.ci; ++i)
      layer.w[static_cast<std::size_t>(k) * layer.ci + i] =
          (layer.inp_minmax(i, 0) + layer.inp_minmax(i, 1)) / 2.0;
}

void initnw(Layer& layer) {
  const int ci = layer.ci, cn = layer.cn;
  const double w_fix = 0.7 * std::pow(static_cast<double>(cn), 1.0 / ci);
  std::vector<double> w(static_cast<std::size_t>(cn) * ci), b(cn);
  Random& r = random();
  for (double& v : w) v = r.rand() * 2 - 1;
  for (int k = 0; k < cn; ++k) {
    double* wk = w.data() + static_cast<std::size_t>(k) * ci;
    if (ci == 1) {
      wk[0] = wk[0] / std::abs(wk[0]);
    } else {
      double sq = 0;
      for (int i = 0; i < ci; ++i) sq += wk[i] * wk[i];
      double scale = std::sqrt(1.0 / sq);
      for (int i = 0; i < ci; ++i) wk[i] = scale * wk[i];
    }
    for (int i = 0; i < ci; ++i) wk[i] = w_fix * wk[i];
  }
  if (cn == 1) {
    b[0] = 0;
  } else {
    std::vector<double> lin(cn);
    linspace(-1, 1, lin);
    for (int k = 0; k < cn; ++k) {
      double w0 = w[static_cast<std::size_t>(k) * ci];
      double sg = w0 > 0 ? 1.0 : (w0 < 0 ? -1.0 : 0.0);
      b[k] = w_fix * lin[k] * sg;
    }
  }
  auto act = layer.transf.inp_active();
  double amin = act[0] == -INFINITY ? -1 : act[0], amax = act[1] == INFINITY ? 1 : act[1];
  double x = 0.5 * (amax - amin), y = 0.5 * (amax + amin);
  for (double& v : w) v = x * v;
  for (double& v : b) v = x * v + y;
  std::vector<double> sx(ci), sy(ci);
  for (int i = 0; i < ci; ++i) {
    double lo = layer.inp_minmax(i, 0), hi = layer.inp_minmax(i, 1);
    if (std::isinf(lo)) lo = lo < 0 ? -1 : 1;
    if (std::isinf(hi)) hi = hi < 0 ? -1 : 1;
    sx[i] = 2.0 / (hi - lo);
    sy[i] = 1.0 - hi * sx[i];
  }
  for (int k = 0; k < cn; ++k) {
    double* wk = w.data() + static_cast<std::size_t>(k) * ci;
    double acc = 0;
    for (int i = 0; i < ci; ++i) acc += wk[i] * sy[i];
    layer.b[k] = acc + b[k];
    for (int i = 0; i < ci; ++i) layer.w[static_cast<std::size_t>(k) * ci + i] = wk[i] * sx[i];
  }
}

void InitRand::operator()(Layer& layer) const {
  for (char p : props) init_rand(layer, minmax[0], minmax[1], std::string(1, p));
}

}  // namespace mz::classic::nl
