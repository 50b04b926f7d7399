// Competitive trainers (wta, cwta, lvq) against neurolab: the prototype seeding draws from
// numpy's stream (seeded alike), errors per epoch and final prototypes.
#include "mz/classic/neurolab/constructors.h"
#include "mz/classic/neurolab/golden_testing.h"
#include "mz/classic/neurolab/init.h"
#include "testing.h"

namespace mz::classic::nl {
namespace {

using testing::close;
using testing::gold;

TEST(NeurolabTrainCompetitive, WtaAndCwtaMatchNeurolab) {
  for (const char* name : {"wta", "cwta"}) {
    SCOPED_TRACE(name);
    Net net = newc({{-0.5, 1.5}, {-0.5, 1.5}}, 3);
    net.trainf = std::string(name) == "wta" ? train_wta : train_cwta;
    seed(11);
    std::vector<double> errors =
        net.train(gold("newc.x"), {.epochs = 20, .show = 0, .goal = -1, .lr = 0.1});
    EXPECT_TRUE(close(errors, gold(std::string("newc.") + name + ".errors").values(), 1e-9, 0));
    EXPECT_TRUE(
        close(net.np_get(), gold(std::string("newc.") + name + ".final").values(), 0, 1e-9));
  }
}

TEST(NeurolabTrainCompetitive, LvqMatchesNeurolab) {
  for (bool adapt : {true, false}) {
    SCOPED_TRACE(adapt ? "adapt" : "batch (quirk B7)");
    Net net = newlvq({{-0.5, 1.5}, {-0.5, 1.5}}, 4, {0.5, 0.5});
    net.np_set(gold("lvq.w0").values());
    TrainOptions o{.epochs = 15, .show = 0, .goal = -1, .lr = 0.05, .adapt = adapt};
    std::vector<double> errors = net.train(gold("newc.x"), gold("lvq.t"), o);
    std::string key = adapt ? "lvq.adapt" : "lvq.batch";
    EXPECT_TRUE(close(errors, gold(key + ".errors").values(), 1e-9, 0));
    EXPECT_TRUE(close(net.np_get(), gold(key + ".final").values(), 0, 1e-9));
  }
}

}  // namespace
}  // namespace mz::classic::nl
