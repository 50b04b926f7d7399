// Training framework: neurolab's epoch accounting, the goal, the adapt-with-rr fix, and the
// errors for bad training calls.
#include "mz/classic/neurolab/train.h"

#include "mz/classic/neurolab/constructors.h"
#include "mz/classic/neurolab/golden_testing.h"
#include "mz/core/error.h"
#include "testing.h"

namespace mz::classic::nl {
namespace {

using testing::gold;

Net fixed_ff() {
  Net net = newff({{-1, 1}, {-1, 1}}, {4, 1}, {TanSig(), PureLin()});
  net.np_set(gold("data.w0").values());
  return net;
}

TEST(NeurolabTrain, EpochsGiveNErrorsAndNMinusOneUpdates) {
  Net net = fixed_ff();
  net.trainf = train_gd;
  Matrix x = gold("data.x2"), t = gold("data.t1");
  std::vector<double> one = net.train(x, t, {.epochs = 1, .show = 0, .goal = -1});
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(net.np_get(), gold("data.w0").values());  // epochs = 1 changes nothing
  std::vector<double> errors = net.train(x, t, {.epochs = 5, .show = 0, .goal = -1});
  EXPECT_EQ(errors.size(), 5u);
  EXPECT_NEAR(SSE()(t, net.sim(x)), errors.back(), 1e-12);  // final params have errors[-1]
  std::vector<double> met = net.train(x, t, {.epochs = 5, .show = 0, .goal = 1e9});
  EXPECT_EQ(met.size(), 1u);  // goal met at the start: nothing changes
}

TEST(NeurolabTrain, AdaptWithRrWorks) {
  // Fix: neurolab raises NameError/AttributeError for adapt=True with rr > 0.
  Net net = fixed_ff();
  net.trainf = train_gd;
  Matrix x = gold("data.x2"), t = gold("data.t1");
  TrainOptions o{.epochs = 10, .show = 0, .goal = -1, .lr = 0.02, .adapt = true, .rr = 0.05};
  std::vector<double> errors = net.train(x, t, o);
  ASSERT_EQ(errors.size(), 10u);
  EXPECT_NEAR(errors.back(), SSE()(t, net.sim(x)) + detail::reg_penalty(net, 0.05), 1e-12);
  EXPECT_LT(errors.back(), errors.front());
}

TEST(NeurolabTrain, BadCallsAreReported) {
  Net net = fixed_ff();
  net.trainf = train_gd;
  Matrix x = gold("data.x2"), t = gold("data.t1");
  MZ_EXPECT_THROW_MSG(net.train(Matrix(4, 3), Matrix(4, 1)), ShapeError,
                      "train_gd: input width: expected (samples, 2), got (4, 3).");
  MZ_EXPECT_THROW_MSG(net.train(x, Matrix(3, 1)), ShapeError,
                      "train_gd: target shape: expected (16, 1), got (3, 1).");
  MZ_EXPECT_THROW_MSG(net.train(Matrix(0, 2), Matrix(0, 1)), ValueError,
                      "train_gd: empty training set: expected at least 1 sample, got 0.");
  net.trainf = train_rprop;
  MZ_EXPECT_THROW_MSG(net.train(x, t, {.rr = 0.1}), ValueError,
                      "train_rprop: rr is not a parameter of this trainer: expected 0, got 0.1.");
  Net c = newc({{0, 1}, {0, 1}}, 2);
  MZ_EXPECT_THROW_MSG(c.train(Matrix(2, 2), Matrix(2, 2)), ValueError,
                      "train_cwta: takes no target: expected train(input), got a target (2, 2).");
  Net hop = newhop(Matrix{{1, -1, 1}});
  MZ_EXPECT_THROW_MSG(hop.train(Matrix{{1, -1, 1}}, Matrix{{1, -1, 1}}), ValueError,
                      "Net.train: this network has no training function: expected a trainf such "
                      "as train_gd, got None.");
}

}  // namespace
}  // namespace mz::classic::nl
