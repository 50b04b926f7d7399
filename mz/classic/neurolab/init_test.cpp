// Initialisation functions and numpy's legacy random stream, against neurolab runs.
#include "mz/classic/neurolab/init.h"

#include "mz/classic/neurolab/constructors.h"
#include "mz/classic/neurolab/golden_testing.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::classic::nl {
namespace {

using testing::close;
using testing::gold;

std::vector<double> wb(const Layer& l) {
  std::vector<double> v = l.w;
  v.insert(v.end(), l.b.begin(), l.b.end());
  return v;
}

TEST(NeurolabInit, RandomMatchesNumpyLegacyStream) {
  seed(10);
  std::vector<double> got;
  for (int i = 0; i < 6; ++i) got.push_back(static_cast<double>(random().randint(0, 7)));
  got.push_back(static_cast<double>(random().randint(0, 1000)));
  EXPECT_EQ(got, gold("init.randint").values());
}

TEST(NeurolabInit, InitnwDrawOrderMatchesNeurolab) {
  seed(7);
  Net net = newff({{-1, 2}, {0, 3}}, {4, 3, 1});
  EXPECT_TRUE(close(net.np_get(), gold("init.newff_draw_order").values(), 1e-12, 1e-12));
  seed(8);
  Net one = newff({{-1, 1}}, {3, 1}, {LogSig(), PureLin()});
  EXPECT_TRUE(close(one.np_get(), gold("init.initnw_ci1").values(), 1e-12, 1e-12));
}

TEST(NeurolabInit, InitwbRegInitRandAndInitRandMatchNeurolab) {
  seed(9);
  Layer l = Layer::perceptron(3, 4, LogSig());
  l.inp_minmax = Matrix{{0, 1}, {0, 1}, {0, 1}};
  initwb_reg(l);
  EXPECT_TRUE(close(wb(l), gold("init.initwb_reg_logsig").values(), 1e-15, 1e-15));
  Layer p = Layer::perceptron(2, 2, PureLin());
  initwb_reg(p);  // PureLin: U(±50/cn)
  EXPECT_TRUE(close(wb(p), gold("init.initwb_reg_purelin").values(), 1e-13, 1e-13));
  InitRand({-0.1, 0.3}, "bw")(p);
  EXPECT_TRUE(close(wb(p), gold("init.initrand_bw").values(), 1e-15, 1e-15));
  init_rand(p, -2, 2, "w");
  EXPECT_TRUE(close(wb(p), gold("init.init_rand_w").values(), 1e-15, 1e-15));
}

TEST(NeurolabInit, DeterministicInits) {
  Layer l = Layer::perceptron(2, 2, TanSig());  // TanSig: lo, hi = ±2/(2cn) = ±0.5
  initwb_lin(l);
  EXPECT_TRUE(close(l.w, {-0.5, -1.0 / 6, 1.0 / 6, 0.5}, 1e-15, 1e-15));
  EXPECT_TRUE(close(l.b, {-0.5, 0.5}, 1e-15, 0));
  init_zeros(l);
  EXPECT_EQ(wb(l), std::vector<double>(6, 0.0));
  Layer c = Layer::competitive(2, 3);
  c.inp_minmax = Matrix{{-1, 3}, {0, 1}};
  midpoint(c);
  EXPECT_EQ(c.w, (std::vector<double>{1, 0.5, 1, 0.5, 1, 0.5}));
}

TEST(NeurolabInit, InitRandOnAMissingPropertyIsAnError) {
  Layer c = Layer::competitive(2, 3);
  MZ_EXPECT_THROW_MSG(init_rand(c, -1, 1, "b"), ValueError,
                      "init_rand: the layer has no property \"b\"");
}

}  // namespace
}  // namespace mz::classic::nl
