// C1 — classic networks against neurolab (BENCHMARKS.md), through mz::classic::nl, one thread:
// newff 2-10-1 (tansig/tansig) on 1000 samples for 500 epochs of train_gd (lr 5e-4),
// train_rprop and train_bfgs; newc of 10 neurons on 1000x2 points, 500 epochs of train_cwta and
// of train_wta; newlvq of 20 prototypes on 1000x2 points, 100 epochs; newelm 1-10-1 on a
// 1000-step sequence, 100 epochs of train_gdx; newhop of 400 neurons storing 20 patterns
// (build), then recalling 2000 probes with 15% of bits flipped; newp with 3 inputs on 1000
// samples, 100 epochs of train_delta. goal = -1 so every epoch runs. The data and settings
// are bench/c1_neurolab.py's (which times neurolab on them); seconds, median of 3 runs.
#include <cmath>
#include <functional>
#include <numbers>
#include <string>

#include "bench/bench_common.h"
#include "mz/classic/neurolab/neurolab.h"

namespace mz::bench {
namespace {

namespace nl = mz::classic::nl;

// A deterministic uniform draw in [0, 1) from index i and stream s (a hash, no generator state,
// so the Python peer computes the same numbers).
double uniform(uint64_t i, uint64_t s) {
  uint64_t z = i * 0x9E3779B97F4A7C15ull + s * 0xBF58476D1CE4E5B9ull + 0x94D049BB133111EBull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

// Points (n, 2) in [-1, 1]^2.
nl::Matrix points(std::size_t n, uint64_t stream) {
  nl::Matrix m(n, 2);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < 2; ++j) m.data()[i * 2 + j] = 2 * uniform(2 * i + j, stream) - 1;
  return m;
}

nl::Matrix square_minmax(std::size_t inputs) {
  nl::Matrix m(inputs, 2);
  for (std::size_t i = 0; i < inputs; ++i) {
    m.data()[2 * i] = -1;
    m.data()[2 * i + 1] = 1;
  }
  return m;
}

// Runs `once` three times and prints its median seconds as metric `name`.
void time_it(const std::string& name, const std::function<void()>& once) {
  std::vector<double> seconds;
  for (int r = 0; r < 3; ++r) {
    auto t0 = Clock::now();
    once();
    seconds.push_back(seconds_since(t0));
  }
  print_csv("c1", name, "s", seconds, "%.5f");
}

nl::TrainOptions epochs(int n) { return nl::TrainOptions{.epochs = n, .show = 0, .goal = -1}; }

}  // namespace

void run_c1() {
  const std::size_t n = 1000;
  // newff: 2-10-1, target 0.5 sin(pi x0) cos(pi x1).
  nl::Matrix x = points(n, 1), y(n, 1);
  for (std::size_t i = 0; i < n; ++i)
    y.data()[i] = 0.5 * std::sin(std::numbers::pi * x.data()[2 * i]) *
                  std::cos(std::numbers::pi * x.data()[2 * i + 1]);
  const std::pair<const char*, nl::Trainer> ff_trainers[] = {
      {"newff_gd", nl::train_gd}, {"newff_rprop", nl::train_rprop}, {"newff_bfgs", nl::train_bfgs}};
  for (const auto& [name, trainer] : ff_trainers) {
    time_it(name, [&, trainer = trainer, name = name] {
      nl::Net net = nl::newff(square_minmax(2), {10, 1});
      net.trainf = trainer;
      nl::TrainOptions o = epochs(500);
      if (std::string(name) == "newff_gd") o.lr = 5e-4;
      net.train(x, y, o);
    });
  }
  // newc: 10 neurons, conscience and plain winner-takes-all.
  nl::Matrix c = points(n, 2);
  time_it("newc_cwta", [&] {
    nl::Net net = nl::newc(square_minmax(2), 10);
    net.train(c, epochs(500));
  });
  time_it("newc_wta", [&] {
    nl::Net net = nl::newc(square_minmax(2), 10);
    net.trainf = nl::train_wta;
    net.train(c, epochs(500));
  });
  // newlvq: 20 prototypes on newc's points, two classes by the sign of x0 x1.
  nl::Matrix ly(n, 2);
  for (std::size_t i = 0; i < n; ++i)
    ly.data()[2 * i + (c.data()[2 * i] * c.data()[2 * i + 1] > 0 ? 0 : 1)] = 1;
  time_it("newlvq_lvq", [&] {
    nl::Net net = nl::newlvq(square_minmax(2), 20, {0.5, 0.5});
    net.train(c, ly, epochs(100));
  });
  // newelm: 1-10-1 (tansig, purelin) on sin over 10 periods (1000 steps), target 0.5 cos.
  nl::Matrix ex(n, 1), ey(n, 1);
  for (std::size_t t = 0; t < n; ++t) {
    double a = 20 * std::numbers::pi * static_cast<double>(t) / static_cast<double>(n - 1);
    ex.data()[t] = std::sin(a);
    ey.data()[t] = 0.5 * std::cos(a);
  }
  time_it("newelm_gdx", [&] {
    nl::Net net = nl::newelm(square_minmax(1), {10, 1}, {nl::TanSig(), nl::PureLin()});
    nl::TrainOptions o = epochs(100);
    o.lr = 2e-4;
    net.train(ex, ey, o);
  });
  // newhop: 400 neurons, 20 random ±1 patterns; 2000 probes, each a pattern with 15% flipped.
  const std::size_t cells = 400, stored = 20, probes = 2000;
  nl::Matrix patterns(stored, cells), probe(probes, cells);
  for (std::size_t p = 0; p < stored; ++p)
    for (std::size_t j = 0; j < cells; ++j)
      patterns.data()[p * cells + j] = uniform(p * cells + j, 3) < 0.5 ? -1 : 1;
  for (std::size_t q = 0; q < probes; ++q)
    for (std::size_t j = 0; j < cells; ++j) {
      double v = patterns.data()[(q % stored) * cells + j];
      probe.data()[q * cells + j] = uniform(q * cells + j, 4) < 0.15 ? -v : v;
    }
  time_it("newhop_build", [&] { nl::newhop(patterns); });
  nl::Net hop = nl::newhop(patterns);
  time_it("newhop_recall", [&] { hop.sim(probe); });
  // newp: 3 inputs (two points and their product), target x . (1, -2, 0.5) > 0.1.
  nl::Matrix pp = points(n, 5), px(n, 3), py(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    double x0 = pp.data()[2 * i], x1 = pp.data()[2 * i + 1];
    px.data()[3 * i] = x0, px.data()[3 * i + 1] = x1, px.data()[3 * i + 2] = x0 * x1;
    py.data()[i] = x0 - 2 * x1 + 0.5 * x0 * x1 > 0.1 ? 1 : 0;
  }
  time_it("newp_delta", [&] {
    nl::Net net = nl::newp(square_minmax(3), 1);
    nl::TrainOptions o = epochs(100);
    o.lr = 0.01;
    net.train(px, py, o);
  });
}

}  // namespace mz::bench
