// Learning-rate schedules: Keras's formulas against values worked out by hand, configs with
// Keras's keys and their round trip, and the errors.
#include <cmath>
#include <numbers>

#include "mz/nn/optimizers/schedules/cosine_decay.h"
#include "mz/nn/optimizers/schedules/cosine_decay_restarts.h"
#include "mz/nn/optimizers/schedules/exponential_decay.h"
#include "mz/nn/optimizers/schedules/inverse_time_decay.h"
#include "mz/nn/optimizers/schedules/learning_rate_schedule.h"
#include "mz/nn/optimizers/schedules/piecewise_constant_decay.h"
#include "mz/nn/optimizers/schedules/polynomial_decay.h"
#include "testing.h"

namespace mz::optimizers::schedules {
namespace {

constexpr double kPi = std::numbers::pi;

// Serializes and reads back; the copy must give the same config and the same rates.
void expect_round_trip(const LearningRateSchedule& s) {
  SchedulePtr back = schedule_from_config(serialize_schedule(s));
  EXPECT_EQ(back->class_name(), s.class_name());
  EXPECT_EQ(back->config(), s.config());
  for (int64_t step : {0, 1, 7, 50, 1000}) EXPECT_DOUBLE_EQ((*back)(step), s(step)) << step;
}

TEST(ExponentialDecay, MatchesKerasFormula) {
  ExponentialDecay s(0.1, 10, 0.5);
  EXPECT_DOUBLE_EQ(s(0), 0.1);
  EXPECT_DOUBLE_EQ(s(10), 0.05);
  EXPECT_DOUBLE_EQ(s(5), 0.1 * std::sqrt(0.5));
  ExponentialDecay stairs(0.1, 10, 0.5, {.staircase = true});
  EXPECT_DOUBLE_EQ(stairs(9), 0.1);
  EXPECT_DOUBLE_EQ(stairs(25), 0.025);
  EXPECT_EQ(stairs.config(), Json({{"initial_learning_rate", 0.1},
                                   {"decay_steps", 10},
                                   {"decay_rate", 0.5},
                                   {"staircase", true},
                                   {"name", "ExponentialDecay"}}));
  expect_round_trip(stairs);
}

TEST(PiecewiseConstantDecay, HoldsEachValueUpToItsBoundary) {
  PiecewiseConstantDecay s({100, 110}, {1.0, 0.5, 0.1});
  EXPECT_EQ(s(0), 1.0);
  EXPECT_EQ(s(100), 1.0);  // step <= boundaries[0]
  EXPECT_EQ(s(101), 0.5);
  EXPECT_EQ(s(110), 0.5);
  EXPECT_EQ(s(111), 0.1);
  EXPECT_EQ(s.config()["name"], "PiecewiseConstant");
  EXPECT_EQ(s.config()["boundaries"], Json({100, 110}));
  expect_round_trip(s);
  MZ_EXPECT_THROW_MSG(PiecewiseConstantDecay({100, 110}, {1.0, 0.5}), ValueError,
                      "PiecewiseConstantDecay: boundaries must have one element fewer than "
                      "values: expected 1 boundaries for 2 values, got 2.");
}

TEST(PolynomialDecay, MatchesKerasFormula) {
  PolynomialDecay linear(0.1, 10);  // end 0.0001, power 1
  EXPECT_DOUBLE_EQ(linear(0), 0.1);
  EXPECT_DOUBLE_EQ(linear(5), (0.1 - 0.0001) * 0.5 + 0.0001);
  EXPECT_DOUBLE_EQ(linear(10), 0.0001);
  EXPECT_DOUBLE_EQ(linear(50), 0.0001);  // held after decay_steps
  PolynomialDecay sqrt_decay(0.1, 10, {.end_learning_rate = 0.01, .power = 0.5});
  EXPECT_DOUBLE_EQ(sqrt_decay(6), 0.09 * std::sqrt(0.4) + 0.01);
  PolynomialDecay cycle(0.1, 10, {.end_learning_rate = 0.0, .cycle = true});
  EXPECT_DOUBLE_EQ(cycle(0), 0.1);
  EXPECT_DOUBLE_EQ(cycle(10), 0.0);         // ceil(10 / 10) = 1: the end of the first cycle
  EXPECT_DOUBLE_EQ(cycle(15), 0.1 * 0.25);  // decay_steps 20: 1 - 15/20
  EXPECT_EQ(cycle.config()["cycle"], true);
  expect_round_trip(sqrt_decay);
  expect_round_trip(cycle);
}

TEST(InverseTimeDecay, MatchesKerasFormula) {
  InverseTimeDecay s(0.1, 1, 0.5);
  EXPECT_DOUBLE_EQ(s(0), 0.1);
  EXPECT_DOUBLE_EQ(s(2), 0.05);
  InverseTimeDecay stairs(0.1, 4, 1.0, {.staircase = true});
  EXPECT_DOUBLE_EQ(stairs(3), 0.1);
  EXPECT_DOUBLE_EQ(stairs(9), 0.1 / 3);
  EXPECT_EQ(stairs.config()["name"], "InverseTimeDecay");
  expect_round_trip(stairs);
}

TEST(CosineDecay, DecaysAlongACosine) {
  CosineDecay s(0.1, 10, {.alpha = 0.2});
  EXPECT_DOUBLE_EQ(s(0), 0.1);
  EXPECT_DOUBLE_EQ(s(5), 0.1 * (0.8 * 0.5 + 0.2));
  EXPECT_DOUBLE_EQ(s(10), 0.1 * 0.2);
  EXPECT_DOUBLE_EQ(s(30), 0.1 * 0.2);
  EXPECT_DOUBLE_EQ(s(3), 0.1 * (0.8 * 0.5 * (1 + std::cos(kPi * 0.3)) + 0.2));
  EXPECT_TRUE(s.config()["warmup_target"].is_null());
  expect_round_trip(s);
}

TEST(CosineDecay, WarmsUpLinearlyFirst) {
  CosineDecay s(0.0, 10, {.warmup_target = 0.1, .warmup_steps = 4});
  EXPECT_DOUBLE_EQ(s(0), 0.0);
  EXPECT_DOUBLE_EQ(s(1), 0.025);
  EXPECT_DOUBLE_EQ(s(3), 0.075);
  EXPECT_DOUBLE_EQ(s(4), 0.1);  // the decay starts from warmup_target
  EXPECT_DOUBLE_EQ(s(9), 0.1 * 0.5 * (1 + std::cos(kPi * 0.5)));
  EXPECT_DOUBLE_EQ(s(14), 0.0);
  EXPECT_DOUBLE_EQ(s(100), 0.0);
  Json c = s.config();
  EXPECT_EQ(c, Json({{"initial_learning_rate", 0.0},
                     {"decay_steps", 10},
                     {"alpha", 0.0},
                     {"name", "CosineDecay"},
                     {"warmup_target", 0.1},
                     {"warmup_steps", 4}}));
  expect_round_trip(s);
}

TEST(CosineDecayRestarts, RestartsWithLongerPeriods) {
  CosineDecayRestarts s(1.0, 10);  // t_mul 2: periods of 10, 20, 40, ...
  EXPECT_DOUBLE_EQ(s(0), 1.0);
  EXPECT_DOUBLE_EQ(s(5), 0.5);
  EXPECT_NEAR(s(10), 1.0, 1e-12);  // first restart
  EXPECT_NEAR(s(20), 0.5, 1e-12);  // halfway through the 20-step period
  EXPECT_NEAR(s(30), 1.0, 1e-12);  // second restart
  CosineDecayRestarts equal(1.0, 10, {.t_mul = 1.0, .m_mul = 0.5, .alpha = 0.1});
  EXPECT_DOUBLE_EQ(equal(5), 0.9 * 0.5 + 0.1);
  EXPECT_DOUBLE_EQ(equal(10), 0.9 * 0.5 + 0.1);    // restart at half the start rate
  EXPECT_DOUBLE_EQ(equal(25), 0.9 * 0.125 + 0.1);  // third period, halfway: 0.25 * 0.5
  EXPECT_EQ(s.config(), Json({{"initial_learning_rate", 1.0},
                              {"first_decay_steps", 10},
                              {"t_mul", 2.0},
                              {"m_mul", 1.0},
                              {"alpha", 0.0},
                              {"name", "SGDRDecay"}}));
  expect_round_trip(s);
  expect_round_trip(equal);
}

TEST(Schedules, RejectNonPositiveDecaySteps) {
  MZ_EXPECT_THROW_MSG(ExponentialDecay(0.1, 0, 0.5), ValueError,
                      "ExponentialDecay: decay_steps must be > 0, got 0.");
  MZ_EXPECT_THROW_MSG(PolynomialDecay(0.1, -1), ValueError,
                      "PolynomialDecay: decay_steps must be > 0, got -1.");
  MZ_EXPECT_THROW_MSG(InverseTimeDecay(0.1, 0, 1.0), ValueError,
                      "InverseTimeDecay: decay_steps must be > 0, got 0.");
  MZ_EXPECT_THROW_MSG(CosineDecay(0.1, 0), ValueError,
                      "CosineDecay: decay_steps must be > 0, got 0.");
  MZ_EXPECT_THROW_MSG(CosineDecayRestarts(0.1, 0), ValueError,
                      "CosineDecayRestarts: first_decay_steps must be > 0, got 0.");
}

TEST(Schedules, FromConfigReadsKerasFormAndRejectsTheRest) {
  // As Keras writes it; the optional keys take Keras's defaults.
  SchedulePtr s =
      schedule_from_config({{"module", "keras.optimizers.schedules"},
                            {"class_name", "PolynomialDecay"},
                            {"config", {{"initial_learning_rate", 0.1}, {"decay_steps", 10}}},
                            {"registered_name", nullptr}});
  EXPECT_EQ(s->config()["end_learning_rate"].get<double>(), 0.0001);
  EXPECT_EQ(s->config()["power"].get<double>(), 1.0);
  MZ_EXPECT_THROW_MSG(schedule_from_config({{"class_name", "StepDecay"}, {"config", {}}}),
                      ValueError,
                      "schedule_from_config: unknown schedule \"StepDecay\": expected one of "
                      "\"CosineDecay\", \"CosineDecayRestarts\", \"ExponentialDecay\", "
                      "\"InverseTimeDecay\", \"PiecewiseConstantDecay\", \"PolynomialDecay\".");
  MZ_EXPECT_THROW_MSG(
      schedule_from_config({{"class_name", "ExponentialDecay"},
                            {"config", {{"initial_learning_rate", 0.1}, {"decay_steps", 10}}}}),
      ValueError, "schedule_from_config: ExponentialDecay: missing required key \"decay_rate\".");
  MZ_EXPECT_THROW_MSG(
      schedule_from_config(
          {{"class_name", "CosineDecay"},
           {"config", {{"initial_learning_rate", 0.1}, {"decay_steps", 10}, {"warmup", 3}}}}),
      ValueError, "schedule_from_config: CosineDecay: unknown key \"warmup\".");
}

}  // namespace
}  // namespace mz::optimizers::schedules
