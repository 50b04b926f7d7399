// Constructors: neurolab's defaults, Hopfield/Hamming recall against neurolab, GRNN/PNN
// (with the output-size fix B9) and the argument checks.
#include "mz/classic/neurolab/constructors.h"

#include <cmath>

#include "mz/classic/neurolab/golden_testing.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::classic::nl {
namespace {

using testing::close;
using testing::gold;

TEST(NeurolabConstructors, Defaults) {
  Net p = newp({{-1, 1}, {-1, 1}, {-1, 1}}, 2);
  EXPECT_EQ(p.np_get(), gold("newp.init").values());  // HardLim: initwb_reg gives zeros
  EXPECT_EQ(p.trainf.kind, TrainerKind::delta);
  EXPECT_EQ(p.errorf->kind(), ErrorKind::sse);
  Net ff = newff({{-1, 1}}, {3, 1});
  EXPECT_EQ(ff.trainf.kind, TrainerKind::bfgs);
  EXPECT_EQ(ff.layers[1].transf.kind(), TransferKind::tansig);
  Net c = newc({{-0.5, 1.5}, {-0.5, 1.5}}, 3);
  EXPECT_EQ(c.np_get(), gold("newc.init").values());  // midpoint, conscience 1
  EXPECT_EQ(c.trainf.kind, TrainerKind::cwta);
  EXPECT_EQ(c.errorf->kind(), ErrorKind::sae);
  Net lvq = newlvq({{-0.5, 1.5}, {-0.5, 1.5}}, 4, {0.5, 0.5});
  EXPECT_EQ(lvq.np_get(), gold("lvq.init").values());
  Net elm = newelm({{-1, 1}}, {3, 1});
  EXPECT_EQ(elm.layers[0].ci, 4);
  EXPECT_EQ(elm.trainf.kind, TrainerKind::gdx);
  EXPECT_EQ(elm.errorf->kind(), ErrorKind::mse);
}

TEST(NeurolabConstructors, HopfieldAndHammingMatchNeurolab) {
  Matrix pats = gold("hop.target"), probes = gold("hop.probes");
  Net hop = newhop(pats);
  EXPECT_TRUE(close(hop.np_get(), gold("hop.params").values(), 1e-15, 1e-15));
  EXPECT_EQ(hop.sim(probes).values(), gold("hop.sim").values());
  Net hem = newhem(pats);
  EXPECT_TRUE(close(hem.np_get(), gold("hem.params").values(), 1e-15, 1e-15));
  EXPECT_TRUE(close(hem.sim(probes).values(), gold("hem.sim").values(), 1e-12, 1e-14));
  // A stored pattern comes back after 2 computed iterations with len(outs) == 1.
  hop.sim(Matrix(1, 8, std::vector<double>(pats.row(0), pats.row(0) + 8)));
  EXPECT_EQ(hop.layers[0].iterations, 1);
}

TEST(NeurolabConstructors, GrnnSizesOutputByTargets) {
  // Fix of B9: 2 inputs, 3 outputs (neurolab would size the output by the 2 inputs).
  Matrix x{{0, 0}, {1, 0}, {0, 1}};
  Matrix y{{1, 0, 5}, {0, 1, 5}, {2, 2, 5}};
  Net net = newgrnn({{0, 1}, {0, 1}}, x, y, 1.0);
  EXPECT_EQ(net.co, 3);
  Matrix out = net.sim(Matrix{{0, 0}});
  double a0 = 1, a1 = std::exp(-1.0), a2 = std::exp(-1.0), sum = a0 + a1 + a2;
  EXPECT_NEAR(out(0, 0), (a0 * 1 + a2 * 2) / sum, 1e-14);
  EXPECT_NEAR(out(0, 1), (a1 * 1 + a2 * 2) / sum, 1e-14);
  EXPECT_NEAR(out(0, 2), 5.0, 1e-14);
}

TEST(NeurolabConstructors, PnnSizesOutputByClasses) {
  // Fix of B9: 1 input, 2 classes.
  Matrix x{{0.0}, {0.1}, {1.0}, {1.1}};
  Matrix d{{1, 0}, {1, 0}, {0, 1}, {0, 1}};
  Net net = newpnn({{0, 2}}, x, d, 2.0);
  EXPECT_EQ(net.co, 2);
  Matrix out = net.sim(Matrix{{0.05}, {1.05}});
  EXPECT_EQ(out.values(), (std::vector<double>{1, 0, 0, 1}));
}

TEST(NeurolabConstructors, BadArgumentsAreReported) {
  MZ_EXPECT_THROW_MSG(newff(Matrix{{-1, 1, 0}}, {2, 1}), ShapeError,
                      "newff: minmax must hold one (min, max) row per input: expected (inputs, "
                      "2), got (1, 3).");
  MZ_EXPECT_THROW_MSG(newff({{-1, 1}}, {2, 1}, {TanSig()}), ValueError,
                      "newff: one transfer per layer: expected 2 transfer functions, got 1.");
  MZ_EXPECT_THROW_MSG(newlvq({{0, 1}}, 4, {0.7, 0.2, 0.1}), ValueError,
                      "newlvq: class percentages pc must sum to 1: expected 1, got");
  MZ_EXPECT_THROW_MSG(newlvq({{0, 1}}, 2, {0.5, 0.5}), ValueError,
                      "newlvq: more prototypes than classes needed: expected cn0 > 2, got 2.");
  MZ_EXPECT_THROW_MSG(newhop(Matrix{{1, 0, -1}}), ValueError,
                      "newhop: patterns must be bipolar: expected -1 or 1, got 0 at (0, 1).");
  MZ_EXPECT_THROW_MSG(newhop(Matrix{{1, -1}}, std::nullopt, 0), ValueError,
                      "newhop: max_init: expected >= 1 iterations, got 0.");
  MZ_EXPECT_THROW_MSG(newgrnn({{0, 1}}, Matrix{{0.0}}, Matrix{{1, 2}, {3, 4}}, 1.0), ShapeError,
                      "newgrnn: y holds one target row per sample: expected (1, outputs), got "
                      "(2, 2).");
}

}  // namespace
}  // namespace mz::classic::nl
