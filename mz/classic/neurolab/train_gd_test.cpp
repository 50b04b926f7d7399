// Gradient trainers (delta, gd, gdm, gda, gdx, rprop) against neurolab trajectories from the
// same initial weights: error per epoch to 1e-9 relative, final parameters to 1e-9 absolute.
#include "mz/classic/neurolab/constructors.h"
#include "mz/classic/neurolab/golden_testing.h"
#include "testing.h"

namespace mz::classic::nl {
namespace {

using testing::close;
using testing::gold;

struct FfCase {
  const char* key;
  Trainer trainer;
  TrainOptions options;
  std::optional<ErrorFn> errorf;
  std::vector<Transfer> transf;
};

void run_case(const FfCase& c) {
  SCOPED_TRACE(c.key);
  std::vector<Transfer> transf = c.transf;
  if (transf.empty()) transf = {TanSig(), PureLin()};
  Net net = newff({{-1, 1}, {-1, 1}}, {4, 1}, transf);
  net.np_set(gold("data.w0").values());
  net.trainf = c.trainer;
  if (c.errorf) net.errorf = c.errorf;
  Matrix target = gold("data.t1");
  if (c.errorf && c.errorf->kind() == ErrorKind::cee)
    for (double& v : target.values()) v = (v + 1) / 2;
  std::vector<double> errors = net.train(gold("data.x2"), target, c.options);
  EXPECT_TRUE(close(errors, gold(std::string(c.key) + ".errors").values(), 1e-9, 0));
  EXPECT_TRUE(close(net.np_get(), gold(std::string(c.key) + ".final").values(), 0, 1e-9));
}

TrainOptions opts(double lr, int epochs = 25) {
  return {.epochs = epochs, .show = 0, .goal = -1.0, .lr = lr};
}

TEST(NeurolabTrainGd, MatchesNeurolab) {
  run_case({"gd", train_gd, opts(0.02)});
  TrainOptions goal = opts(0.02);
  goal.goal = 0.35;  // stops at the first error below the goal
  run_case({"gd_goal", train_gd, goal});
  TrainOptions adapt = opts(0.02);
  adapt.adapt = true;
  run_case({"gd_adapt", train_gd, adapt});
  TrainOptions rr = opts(0.02);
  rr.rr = 0.05;
  run_case({"gd_rr", train_gd, rr});
}

TEST(NeurolabTrainGd, ErrorFunctionsAndTransfersMatchNeurolab) {
  run_case({"gd_mse", train_gd, opts(0.02), MSE()});
  run_case({"gd_sae", train_gd, opts(0.01), SAE()});
  run_case({"gd_mae", train_gd, opts(0.05), MAE()});
  run_case({"gd_cee", train_gd, opts(0.05), CEE(), {LogSig(), LogSig()}});
  run_case({"gd_satlins", train_gd, opts(0.02), std::nullopt, {SatLins(), PureLin()}});
}

TEST(NeurolabTrainGd, MomentumAndAdaptiveLrMatchNeurolab) {
  TrainOptions gdm = opts(0.05);
  gdm.mc = 0.8;
  run_case({"gdm", train_gdm, gdm});
  TrainOptions gdm_adapt = opts(0.02);
  gdm_adapt.adapt = true;
  run_case({"gdm_adapt", train_gdm, gdm_adapt});
  run_case({"gda", train_gda, opts(0.05, 40)});
  TrainOptions gda_rr = opts(0.05);
  gda_rr.rr = 0.02;
  run_case({"gda_rr", train_gda, gda_rr});
  run_case({"gdx", train_gdx, opts(0.05, 40)});
  TrainOptions gdx_adapt = opts(0.01);
  gdx_adapt.adapt = true;
  run_case({"gdx_adapt", train_gdx, gdx_adapt});
}

TEST(NeurolabTrainGd, GdxIgnoresRr) {
  // Quirk B3: rr reaches TrainGDM's momentum slot and is then overwritten.
  TrainOptions rr = opts(0.05);
  rr.rr = 0.5;
  run_case({"gdx_rr", train_gdx, rr});
}

TEST(NeurolabTrainGd, RpropMatchesNeurolab) {
  TrainOptions o = opts(0.07, 40);
  o.lr.reset();  // rprop's own default step 0.07
  run_case({"rprop", train_rprop, o});
  TrainOptions adapt = opts(0.01);
  adapt.adapt = true;
  run_case({"rprop_adapt", train_rprop, adapt});
}

TEST(NeurolabTrainGd, DeltaRuleMatchesNeurolab) {
  Net net = newp({{-1, 1}, {-1, 1}, {-1, 1}}, 2);
  net.np_set(gold("newp.w0").values());
  std::vector<double> errors =
      net.train(gold("newp.x"), gold("newp.t"), {.epochs = 15, .show = 0, .goal = -1, .lr = 0.1});
  EXPECT_TRUE(close(errors, gold("newp.errors").values(), 1e-9, 0));
  EXPECT_TRUE(close(net.np_get(), gold("newp.final").values(), 0, 1e-9));
}

TEST(NeurolabTrainGd, ElmanGdxMatchesNeurolab) {
  Net net = newelm({{-1, 1}}, {3, 1}, {TanSig(), PureLin()});
  net.np_set(gold("elm.w0").values());
  Matrix x = gold("elm.x");
  net.sim(x);  // as the generator does: the context carries into training
  std::vector<double> errors =
      net.train(x, gold("elm.t"), {.epochs = 20, .show = 0, .goal = -1, .lr = 0.02});
  EXPECT_TRUE(close(errors, gold("elm.errors").values(), 1e-9, 0));
  EXPECT_TRUE(close(net.np_get(), gold("elm.final").values(), 0, 1e-9));
  EXPECT_TRUE(close(net.sim(x).values(), gold("elm.sim_after").values(), 1e-9, 1e-12));
}

}  // namespace
}  // namespace mz::classic::nl
