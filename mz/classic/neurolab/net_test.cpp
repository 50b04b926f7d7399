// Net: connect validation, step/sim, Elman context, reset (fix B1), copy and np_get/np_set.
#include "mz/classic/neurolab/net.h"

#include "mz/classic/neurolab/constructors.h"
#include "mz/classic/neurolab/golden_testing.h"
#include "mz/classic/neurolab/init.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::classic::nl {
namespace {

using testing::close;
using testing::gold;

Layer fixed(int ci, int cn, const Transfer& f) {
  Layer l = Layer::perceptron(ci, cn, f);
  l.initf = {init_zeros};
  return l;
}

TEST(NeurolabNet, ConnectErrorsAreReported) {
  Matrix mm{{-1, 1}};
  MZ_EXPECT_THROW_MSG(Net(mm, 1, {fixed(1, 1, PureLin())}, {{-1}}, train_gd, SSE()), ValueError,
                      "Net: connect needs one entry per layer plus one for the output: expected "
                      "2 entries, got 1.");
  MZ_EXPECT_THROW_MSG(
      Net(mm, 1, {fixed(1, 1, PureLin()), fixed(1, 1, PureLin())}, {{-1}, {-1}, {1}}, train_gd,
          SSE()),
      ValueError, "Net: the output of layer 0 is used by nobody");
  MZ_EXPECT_THROW_MSG(Net(mm, 1, {fixed(2, 1, PureLin())}, {{-1}, {0}}, train_gd, SSE()),
                      ShapeError, "Net: connect entry 0 feeds 1 values into layer 0: expected 2, "
                      "got 1.");
  MZ_EXPECT_THROW_MSG(Net(mm, 1, {fixed(1, 1, PureLin())}, {{-1}, {3}}, train_gd, SSE()),
                      ValueError, "Net: connect entry 1 names source 3");
}

TEST(NeurolabNet, ConcatenatesSourcesInOrder) {
  // Layer 0: identity of x; layer 1 reads [x, layer0] and sums them.
  Layer a = fixed(1, 1, PureLin());
  Layer b = fixed(2, 1, PureLin());
  Net net(Matrix{{-1, 1}}, 2, {a, b}, {{-1}, {-1, 0}, {1, 0}}, train_gd, SSE());
  net.layers[0].w = {2.0};
  net.layers[1].w = {1.0, 10.0};
  EXPECT_EQ(net.step(std::vector<double>{3.0}), (std::vector<double>{63.0, 6.0}));
  EXPECT_EQ(net.layers[1].inp_minmax.rows(), 2u);
}

TEST(NeurolabNet, WrongInputWidthIsAnError) {
  Net net = newp({{-1, 1}, {-1, 1}}, 1);
  MZ_EXPECT_THROW_MSG(net.sim(Matrix(3, 3)), ShapeError,
                      "Net.sim: input width: expected (samples, 2), got (3, 3).");
  MZ_EXPECT_THROW_MSG(net.step(std::vector<double>{1.0}), ShapeError,
                      "Net.step: input width: expected 2 values, got 1.");
}

TEST(NeurolabNet, ElmanContextPersistsUntilReset) {
  Net net = newelm({{-1, 1}}, {3, 1}, {TanSig(), PureLin()});
  net.np_set(gold("elm.w0").values());
  Matrix x = gold("elm.x");
  EXPECT_TRUE(close(net.sim(x).values(), gold("elm.sim").values(), 1e-12, 1e-14));
  Matrix again = net.sim(x);  // the context carries on, so the outputs differ
  EXPECT_FALSE(close(again.values(), gold("elm.sim").values(), 1e-12, 1e-14));
  net.reset();
  EXPECT_TRUE(close(net.sim(x).values(), gold("elm.sim").values(), 1e-12, 1e-14));
}

TEST(NeurolabNet, ResetLeavesTheCallersDataAlone) {
  // Fix of neurolab's B1: reset() zero-filled the caller's last input row.
  Net net = newff({{-1, 1}, {-1, 1}}, {2, 1});
  Matrix x{{0.25, -0.5}, {0.75, 0.5}};
  net.sim(x);
  net.reset();
  EXPECT_EQ(x.values(), (std::vector<double>{0.25, -0.5, 0.75, 0.5}));
  EXPECT_EQ(net.inp, (std::vector<double>{0, 0}));
  EXPECT_EQ(net.layers[0].out, (std::vector<double>{0, 0}));
}

TEST(NeurolabNet, CopyIsDeepAndInitRedraws) {
  seed(1);
  Net net = newff({{-1, 1}}, {2, 1});
  Net twin = net.copy();
  twin.layers[0].w[0] = 42;
  EXPECT_NE(net.layers[0].w[0], 42);
  std::vector<double> before = net.np_get();
  net.init();
  EXPECT_NE(net.np_get(), before);
  EXPECT_EQ(net.np_size(), 7u);
  MZ_EXPECT_THROW_MSG(net.np_set({1.0}), ShapeError,
                      "Net.np_set: parameter count: expected 7, got 1.");
}

}  // namespace
}  // namespace mz::classic::nl
