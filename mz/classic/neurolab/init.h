// neurolab's initialisation functions (neurolab.init, spec §4) and the random generator they
// draw from: numpy's legacy MT19937 RandomState, so a seeded run draws what neurolab draws.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>

#include "mz/classic/neurolab/layer.h"

namespace mz::classic::nl {

// numpy.random.RandomState's legacy stream: same seed, same numbers as numpy.
class Random {
 public:
  // np.random.seed(seed).
  explicit Random(std::uint32_t seed = 5489u) : mt_(seed) {}
  void seed(std::uint32_t s) { mt_.seed(s); }
  // np.random.rand(): 53-bit uniform in [0, 1) from two 32-bit draws.
  double rand();
  // np.random.uniform(lo, hi): lo + (hi - lo) * rand().
  double uniform(double lo, double hi) { return lo + (hi - lo) * rand(); }
  // np.random.randint(lo, hi): uniform integer in [lo, hi) by masked rejection.
  std::int64_t randint(std::int64_t lo, std::int64_t hi);
  // The MT19937 engine itself, so a caller can copy numpy's global state in and out.
  std::mt19937& engine() { return mt_; }

 private:
  std::mt19937 mt_;
};

// The generator neurolab's functions draw from (initnw, initwb_reg, init_rand, the WTA
// prototype seeding): this thread's counterpart of numpy's global np.random.
Random& random();
// np.random.seed(s) for random().
void seed(std::uint32_t s);

// layer[prop] = U[min, max) of its shape; throws ValueError when the layer has no `prop`.
void init_rand(Layer& layer, double min = -0.5, double max = 0.5,
               const std::string& init_prop = "w");
// U(lo/(2cn), hi/(2cn)) for w, then b; (lo, hi) = transf.inp_active with inf -> ±100.
void initwb_reg(Layer& layer);
// Deterministic: w then b become linspace(lo/(2cn), hi/(2cn), size), row-major.
void initwb_lin(Layer& layer);
// Every parameter becomes 0.
void init_zeros(Layer& layer);
// Every row of w becomes the mean of each inp_minmax row (the input range's midpoint).
void midpoint(Layer& layer);
// Nguyen-Widrow (neurolab master; spec §4 steps 1-8): one rand(cn, ci) draw per layer.
void initnw(Layer& layer);

// init_rand(layer, minmax[0], minmax[1], p) for each property letter p of `props`, in order
// ("wb": w then b). Throws ValueError at call time for a property the layer lacks.
struct InitRand {
  InitRand(std::array<double, 2> minmax, std::string props)
      : minmax(minmax), props(std::move(props)) {}
  void operator()(Layer& layer) const;
  std::array<double, 2> minmax;
  std::string props;
};

}  // namespace mz::classic::nl
