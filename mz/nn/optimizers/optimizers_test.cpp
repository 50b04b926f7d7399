// Optimizers: every step of every optimizer against tests/golden/optimizers/optimizers.json
// (torch.optim, or Keras 3's rule in NumPy where torch differs), then apply()'s contract:
// skipped gradients, clipping, constraints, iterations, rates, names, configs and errors.
#include <cmath>
#include <fstream>
#include <limits>

#include "mz/nn/constraints.h"
#include "mz/nn/optimizers/adadelta.h"
#include "mz/nn/optimizers/adagrad.h"
#include "mz/nn/optimizers/adam.h"
#include "mz/nn/optimizers/adamax.h"
#include "mz/nn/optimizers/adamw.h"
#include "mz/nn/optimizers/lion.h"
#include "mz/nn/optimizers/nadam.h"
#include "mz/nn/optimizers/optimizer.h"
#include "mz/nn/optimizers/rmsprop.h"
#include "mz/nn/optimizers/schedules/exponential_decay.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using testing::all_close;
namespace O = optimizers;

const Json& golden() {
  static const Json doc = [] {
    std::ifstream in(MZ_GOLDEN_DIR "/optimizers/optimizers.json");
    if (!in)
      throw IoError("optimizers_test: cannot open " MZ_GOLDEN_DIR "/optimizers/optimizers.json");
    return Json::parse(in);
  }();
  return doc;
}

Shape shape_of(const Json& dims) { return Shape(dims.get<std::vector<int64_t>>()); }

Tensor values(const Json& v, const Shape& shape, DType dtype = DType::f64) {
  return tensor(v.get<std::vector<double>>(), shape, {.dtype = dtype});
}

VariablePtr make_var(const std::string& name, const Tensor& value) {
  auto v = std::make_shared<Variable>();
  v->name = name;
  v->path = "dense/" + name;
  v->value = value.clone();
  v->value.set_requires_grad(true);
  return v;
}

// Runs one golden case in `dtype`; returns w and b after every step.
std::vector<std::pair<Tensor, Tensor>> run_case(const Json& c, DType dtype) {
  const Json& g = golden();
  Shape ws = shape_of(g["w_shape"]), bs = shape_of(g["b_shape"]);
  OptimizerPtr opt =
      optimizer_from_config({{"class_name", c["class_name"]}, {"config", c["config"]}});
  VariablePtr w = make_var("kernel", values(g["w0"], ws, dtype));
  VariablePtr b = make_var("bias", values(g["b0"], bs, dtype));
  std::vector<std::pair<Tensor, Tensor>> out;
  for (int step = 0; step < g["steps"].get<int>(); ++step) {
    opt->apply({values(g["grads_w"][step], ws, dtype), values(g["grads_b"][step], bs, dtype)},
               {w, b});
    out.emplace_back(w->value.clone(), b->value.clone());
  }
  EXPECT_EQ(opt->iterations(), g["steps"].get<int>());
  return out;
}

TEST(OptimizerParity, EveryStepMatchesTheGoldenFile) {
  const Json& g = golden();
  Shape ws = shape_of(g["w_shape"]), bs = shape_of(g["b_shape"]);
  ASSERT_GE(g["cases"].size(), 25u);
  for (const Json& c : g["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>() + " (" + c["source"].get<std::string>() + ")");
    auto steps = run_case(c, DType::f64);
    for (std::size_t s = 0; s < steps.size(); ++s) {
      SCOPED_TRACE("step " + std::to_string(s + 1));
      // float64 throughout: only rounding separates us from the reference (measured < 1e-13).
      EXPECT_TRUE(all_close(steps[s].first, values(c["w"][s], ws), 1e-11, 1e-14));
      EXPECT_TRUE(all_close(steps[s].second, values(c["b"][s], bs), 1e-11, 1e-14));
    }
  }
}

// Where torch's rule differs from Keras's, the golden file holds torch's values too: we match
// Keras, and the gap to torch is the documented one (real, and small for epsilon placement).
TEST(OptimizerParity, DocumentsWhereTorchDiffers) {
  const Json& g = golden();
  Shape ws = shape_of(g["w_shape"]);
  int documented = 0;
  for (const Json& c : g["cases"]) {
    if (!c.contains("torch")) continue;
    SCOPED_TRACE(c["name"].get<std::string>() + ": " + c["torch"]["note"].get<std::string>());
    ++documented;
    auto steps = run_case(c, DType::f64);
    Tensor ours = steps.back().first, theirs = values(c["torch"]["w"].back(), ws);
    EXPECT_FALSE(all_close(ours, theirs, 1e-12, 0.0));
    if (c["name"] != "sgd_weight_decay" && c["name"] != "nadam") {  // different rules entirely
      EXPECT_TRUE(all_close(ours, theirs, 1e-2, 1e-4));
    }
  }
  EXPECT_GE(documented, 10);
}

TEST(OptimizerParity, Float32TracksFloat64) {
  const Json& g = golden();
  Shape ws = shape_of(g["w_shape"]);
  for (const Json& c : g["cases"]) {
    std::string name = c["name"];
    if (name != "adam" && name != "sgd_momentum" && name != "rmsprop" && name != "nadam") continue;
    SCOPED_TRACE(name);
    auto steps = run_case(c, DType::f32);
    EXPECT_EQ(steps.back().first.dtype(), DType::f32);
    EXPECT_TRUE(all_close(steps.back().first, values(c["w"].back(), ws), 1e-5, 1e-6));
  }
}

// ----- apply()'s contract -----

Tensor f64(std::vector<double> v) {
  Shape s{static_cast<int64_t>(v.size())};
  return tensor(v, s);
}

TEST(Optimizer, SkipsVariablesWithoutGradient) {
  O::SGD opt({.learning_rate = 0.5});
  VariablePtr a = make_var("a", f64({1, 2})), b = make_var("b", f64({3, 4}));
  opt.apply({f64({1, 1}), Tensor()}, {a, b});
  EXPECT_TRUE(all_close(a->value, f64({0.5, 1.5}), 0));
  EXPECT_TRUE(all_close(b->value, f64({3, 4}), 0));
  EXPECT_EQ(opt.iterations(), 1);
  // A later step may update only the other one: slots stay matched to their variables.
  O::SGD mom({.learning_rate = 0.5, .momentum = 0.5});
  mom.apply({f64({1, 1}), Tensor()}, {a, b});
  mom.apply({Tensor(), f64({2, 2})}, {a, b});
  mom.apply({f64({1, 1}), f64({2, 2})}, {a, b});
  // a: m = -0.5 then -0.75; b: m = -1 then -1.5.
  EXPECT_TRUE(all_close(a->value, f64({0.5 - 0.5 - 0.75, 1.5 - 0.5 - 0.75}), 1e-15));
  EXPECT_TRUE(all_close(b->value, f64({3 - 1 - 1.5, 4 - 1 - 1.5}), 1e-15));
}

TEST(Optimizer, ApplyGradientsReadsGradAndRecordsNothing) {
  O::Adam opt({.learning_rate = 0.1});
  VariablePtr a = make_var("a", f64({1, -2})), b = make_var("b", f64({3}));
  Tensor loss = sum(square(a->value));
  loss.backward();  // grad a = 2a; b has none
  opt.apply_gradients({a, b});
  // Adam's first step moves each element by lr * g / (|g| + eps): about 0.1 against the gradient.
  EXPECT_TRUE(all_close(a->value, f64({0.9, -1.9}), 1e-6));
  EXPECT_TRUE(all_close(b->value, f64({3}), 0));
  EXPECT_TRUE(a->value.is_leaf());
  EXPECT_TRUE(a->value.requires_grad());
  EXPECT_EQ(opt.iterations(), 1);
}

TEST(Optimizer, LeavesTheCallersGradientsAlone) {
  O::SGD opt({.learning_rate = 1.0, .clipvalue = 0.5});
  VariablePtr a = make_var("a", f64({0, 0}));
  Tensor g = f64({2, -0.25});
  opt.apply({g}, {a});
  EXPECT_TRUE(all_close(a->value, f64({-0.5, 0.25}), 0));
  EXPECT_TRUE(all_close(g, f64({2, -0.25}), 0));
}

TEST(Optimizer, ClipsByNormPerVariableAndGlobally) {
  VariablePtr a = make_var("a", f64({0, 0})), b = make_var("b", f64({0}));
  O::SGD per({.learning_rate = 1.0, .clipnorm = 1.0});
  per.apply({f64({3, 4}), f64({0.5})}, {a, b});  // (3, 4) has norm 5: scaled to norm 1
  EXPECT_TRUE(all_close(a->value, f64({-0.6, -0.8}), 1e-15));
  EXPECT_TRUE(all_close(b->value, f64({-0.5}), 0));
  VariablePtr c = make_var("c", f64({0, 0})), d = make_var("d", f64({0}));
  O::SGD global({.learning_rate = 1.0, .global_clipnorm = 6.5});
  global.apply({f64({3, 4}), f64({12})}, {c, d});  // global norm 13: everything halves
  EXPECT_TRUE(all_close(c->value, f64({-1.5, -2}), 1e-15));
  EXPECT_TRUE(all_close(d->value, f64({-6}), 1e-15));
}

TEST(Optimizer, DecaysWeightsBeforeTheUpdate) {
  O::SGD opt({.learning_rate = 0.1, .weight_decay = 0.5});
  VariablePtr a = make_var("a", f64({2}));
  opt.apply({f64({1})}, {a});
  EXPECT_TRUE(all_close(a->value, f64({2 - 2 * 0.5 * 0.1 - 0.1}), 1e-15));
}

// Keeps every element at most 1, like a tiny MaxNorm.
class AtMostOne : public Constraint {
 public:
  Tensor operator()(const Tensor& w) const override { return minimum(w, full_like(w, 1.0)); }
  std::string class_name() const override { return "AtMostOne"; }
};

TEST(Optimizer, AppliesConstraintsAfterTheUpdate) {
  O::SGD opt({.learning_rate = 1.0});
  VariablePtr a = make_var("a", f64({0.5, -1})), b = make_var("b", f64({0.5}));
  a->constraint = std::make_shared<AtMostOne>();
  b->constraint = std::make_shared<AtMostOne>();
  opt.apply({f64({-2, -1}), Tensor()}, {a, b});
  EXPECT_TRUE(all_close(a->value, f64({1, 0}), 0));
  EXPECT_TRUE(all_close(b->value, f64({0.5}), 0));  // no gradient: neither updated nor projected
  EXPECT_TRUE(a->value.is_leaf());
}

TEST(Optimizer, FollowsItsScheduleAndCountsIterations) {
  O::SGD opt({.learning_rate = O::schedules::ExponentialDecay(1.0, 1, 0.5)});
  VariablePtr a = make_var("a", f64({0}));
  EXPECT_EQ(opt.iterations(), 0);
  EXPECT_DOUBLE_EQ(opt.learning_rate(), 1.0);
  opt.apply({f64({1})}, {a});
  opt.apply({f64({1})}, {a});
  EXPECT_EQ(opt.iterations(), 2);
  EXPECT_DOUBLE_EQ(opt.learning_rate(), 0.25);
  EXPECT_TRUE(all_close(a->value, f64({-1.5}), 1e-15));
  MZ_EXPECT_THROW_MSG(opt.set_learning_rate(0.1), ValueError,
                      "SGD 'SGD': set_learning_rate: the learning rate is a ExponentialDecay "
                      "schedule, which cannot be set");
}

TEST(Optimizer, SetLearningRateChangesTheNextStep) {
  O::SGD opt({.learning_rate = 1.0});
  VariablePtr a = make_var("a", f64({0}));
  opt.apply({f64({1})}, {a});
  opt.set_learning_rate(0.25);
  EXPECT_DOUBLE_EQ(opt.learning_rate(), 0.25);
  opt.apply({f64({1})}, {a});
  EXPECT_TRUE(all_close(a->value, f64({-1.25}), 0));
  EXPECT_EQ(opt.config()["learning_rate"].get<double>(), 0.25);
}

TEST(Optimizer, VariablesFollowKerasOrder) {
  VariablePtr a = make_var("a", f64({1, 2})), b = make_var("b", f64({3}));
  O::Adam adam;
  EXPECT_EQ(adam.variables().size(), 2u);  // iteration, learning_rate
  adam.apply({f64({1, 1}), f64({1})}, {a, b});
  std::vector<Tensor> v = adam.variables();
  ASSERT_EQ(v.size(), 6u);  // iteration, learning_rate, m_a, m_b, v_a, v_b
  EXPECT_EQ(v[0].dtype(), DType::i64);
  EXPECT_EQ(v[0].item<int64_t>(), 1);
  EXPECT_NEAR(v[1].item<double>(), 0.001, 1e-9);
  EXPECT_EQ(v[3].shape(), Shape({1}));
  EXPECT_EQ(v[4].shape(), Shape({2}));
  EXPECT_EQ(O::Adam({.amsgrad = true}).variables().size(), 2u);
  O::Nadam nadam;
  nadam.apply({f64({1, 1}), f64({1})}, {a, b});
  EXPECT_EQ(nadam.variables().size(), 7u);  // ... plus the momentum cache
  O::SGD sgd({.learning_rate = O::schedules::ExponentialDecay(1.0, 1, 0.5)});
  sgd.apply({f64({1, 1}), f64({1})}, {a, b});
  EXPECT_EQ(sgd.variables().size(), 1u);  // no momentum slots, no rate variable
}

TEST(Optimizer, RejectsBadCalls) {
  VariablePtr a = make_var("kernel", f64({1, 2})), b = make_var("bias", f64({3}));
  O::SGD opt;
  MZ_EXPECT_THROW_MSG(opt.apply({f64({1, 1})}, {a, b}), ValueError,
                      "SGD 'SGD': apply: expected one gradient per variable, got 1 gradients "
                      "for 2 variables.");
  MZ_EXPECT_THROW_MSG(opt.apply({Tensor(), Tensor()}, {a, b}), ValueError,
                      "SGD 'SGD': no gradients provided for any variable.");
  MZ_EXPECT_THROW_MSG(opt.apply({f64({1, 1, 1}), Tensor()}, {a, b}), ShapeError,
                      "SGD 'SGD': the gradient of \"dense/kernel\" is (3,), expected the "
                      "variable's shape (2,).");
  VariablePtr other = make_var("other", f64({1}));
  MZ_EXPECT_THROW_MSG(opt.apply({f64({1})}, {other}), ValueError,
                      "SGD 'SGD': variable \"dense/other\" is not one of the 2 variables the "
                      "optimizer was built with");
  EXPECT_EQ(opt.iterations(), 0);
}

TEST(Optimizer, ValidatesOptions) {
  MZ_EXPECT_THROW_MSG(O::Adam({.clipnorm = 1.0, .clipvalue = 0.5}), ValueError,
                      "Adam 'adam': only one of clipnorm, clipvalue and global_clipnorm can be "
                      "set, got clipnorm=1, clipvalue=0.5, global_clipnorm=None.");
  MZ_EXPECT_THROW_MSG(O::SGD({.momentum = 1.5}), ValueError,
                      "SGD 'SGD': momentum must be in [0, 1], got 1.5.");
  MZ_EXPECT_THROW_MSG(O::Lion({.beta_1 = 0.0}), ValueError,
                      "Lion 'lion': beta_1 must be in (0, 1], got 0;");
  MZ_EXPECT_THROW_MSG(O::Adagrad({.initial_accumulator_value = -1.0}), ValueError,
                      "Adagrad 'adagrad': initial_accumulator_value must be >= 0, got -1.");
}

// ----- names and configs -----

TEST(GetOptimizer, GivesKerasDefaults) {
  struct Want {
    const char* name;
    const char* class_name;
    const char* default_name;
    double learning_rate;
  };
  for (Want w :
       {Want{"sgd", "SGD", "SGD", 0.01}, Want{"adam", "Adam", "adam", 0.001},
        Want{"adamw", "AdamW", "adamw", 0.001}, Want{"rmsprop", "RMSprop", "rmsprop", 0.001},
        Want{"adagrad", "Adagrad", "adagrad", 0.001},
        Want{"adadelta", "Adadelta", "adadelta", 0.001}, Want{"adamax", "Adamax", "adamax", 0.001},
        Want{"nadam", "Nadam", "nadam", 0.001}, Want{"lion", "Lion", "lion", 0.001},
        Want{"Adam", "Adam", "adam", 0.001}}) {
    SCOPED_TRACE(w.name);
    OptimizerPtr opt = get_optimizer(w.name);
    EXPECT_EQ(opt->class_name(), w.class_name);
    EXPECT_EQ(opt->name(), w.default_name);
    EXPECT_DOUBLE_EQ(opt->learning_rate(), w.learning_rate);
  }
  Json adamw = get_optimizer("adamw")->config();
  EXPECT_EQ(adamw["weight_decay"].get<double>(), 0.004);
  EXPECT_EQ(adamw["epsilon"].get<double>(), 1e-7);
  EXPECT_EQ(adamw["beta_2"].get<double>(), 0.999);
  Json rmsprop = get_optimizer("rmsprop")->config();
  EXPECT_EQ(rmsprop["rho"].get<double>(), 0.9);
  EXPECT_TRUE(rmsprop["weight_decay"].is_null());
  EXPECT_EQ(get_optimizer("adagrad")->config()["initial_accumulator_value"].get<double>(), 0.1);
  EXPECT_EQ(get_optimizer("adadelta")->config()["rho"].get<double>(), 0.95);
  EXPECT_EQ(get_optimizer("lion")->config()["beta_2"].get<double>(), 0.99);
  EXPECT_EQ(get_optimizer("sgd")->config()["nesterov"].get<bool>(), false);
}

TEST(GetOptimizer, ListsTheValidNames) {
  MZ_EXPECT_THROW_MSG(get_optimizer("adamx"), ValueError,
                      "get_optimizer: unknown optimizer \"adamx\": expected one of \"adadelta\", "
                      "\"adagrad\", \"adam\", \"adamax\", \"adamw\", \"lion\", \"nadam\", "
                      "\"rmsprop\", \"sgd\".");
}

TEST(OptimizerConfig, HasKerasKeysAndRoundTrips) {
  Json c = O::RMSprop({.learning_rate = 0.01,
                       .momentum = 0.9,
                       .centered = true,
                       .clipnorm = 1.0,
                       .name = "opt"})
               .config();
  for (const char* key :
       {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
        "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
        "gradient_accumulation_steps", "rho", "momentum", "epsilon", "centered"})
    EXPECT_TRUE(c.contains(key)) << key;
  EXPECT_EQ(c["name"], "opt");
  EXPECT_EQ(c["clipnorm"].get<double>(), 1.0);
  for (const char* name :
       {"sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion"}) {
    SCOPED_TRACE(name);
    OptimizerPtr opt = get_optimizer(name);
    OptimizerPtr back =
        optimizer_from_config({{"class_name", opt->class_name()}, {"config", opt->config()}});
    EXPECT_EQ(back->class_name(), opt->class_name());
    EXPECT_EQ(back->config(), opt->config());
  }
  O::Adam scheduled({.learning_rate = O::schedules::ExponentialDecay(0.1, 100, 0.5)});
  Json s = scheduled.config();
  EXPECT_EQ(s["learning_rate"]["class_name"], "ExponentialDecay");
  EXPECT_EQ(s["learning_rate"]["module"], "keras.optimizers.schedules");
  OptimizerPtr back = optimizer_from_config({{"class_name", "Adam"}, {"config", s}});
  EXPECT_EQ(back->config(), s);
  EXPECT_DOUBLE_EQ(back->learning_rate(), 0.1);
}

TEST(OptimizerConfig, RejectsWhatKerasRejects) {
  MZ_EXPECT_THROW_MSG(optimizer_from_config({{"class_name", "Adam"}, {"config", {{"beta1", 0.9}}}}),
                      ValueError, "optimizer_from_config: Adam: unknown key \"beta1\".");
  MZ_EXPECT_THROW_MSG(optimizer_from_config({{"class_name", "Adamx"}}), ValueError,
                      "optimizer_from_config: unknown optimizer \"Adamx\": expected one of");
  MZ_EXPECT_THROW_MSG(
      optimizer_from_config({{"class_name", "SGD"}, {"config", {{"momentum", "high"}}}}),
      ValueError,
      "optimizer_from_config: SGD: config \"momentum\": expected a "
      "number, got \"high\".");
  MZ_EXPECT_THROW_MSG(
      optimizer_from_config({{"class_name", "SGD"}, {"config", {{"use_ema", true}}}}), ValueError,
      "\"use_ema\": expected false");
  EXPECT_EQ(optimizer_from_config("nadam")->class_name(), "Nadam");
}

}  // namespace
}  // namespace mz
