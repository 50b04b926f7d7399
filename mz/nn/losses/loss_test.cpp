// Loss base: Keras 3's weighting and reductions, get_loss names and aliases, configs,
// loss_from_config and custom losses.
#include "mz/nn/losses/loss.h"

#include "mz/nn/losses/binary_focal_crossentropy.h"
#include "mz/nn/losses/categorical_crossentropy.h"
#include "mz/nn/losses/huber.h"
#include "mz/nn/losses/mean_squared_error.h"
#include "mz/nn/losses/sparse_categorical_crossentropy.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

using namespace losses;
using testing::all_close;
using testing::grad_ok;

Tensor f64(std::vector<double> v, Shape s) { return tensor(v, s); }

TEST(Loss, SampleWeightsMultiplyAndSumOverBatchSizeDividesByElements) {
  Tensor t = f64({0, 0, 0, 0, 0, 0}, {3, 2}), p = f64({1, 1, 2, 2, 3, 3}, {3, 2});
  // Per-sample MSE: 1, 4, 9.
  EXPECT_NEAR(MeanSquaredError()(t, p).item(), 14.0 / 3, 1e-12);
  Tensor w = f64({1, 0.5, 0}, {3});
  EXPECT_NEAR(MeanSquaredError()(t, p, w).item(), 3.0 / 3, 1e-12);
  EXPECT_NEAR(MeanSquaredError({.reduction = "mean"})(t, p, w).item(), 1.0, 1e-12);
  EXPECT_NEAR(MeanSquaredError({.reduction = "sum"})(t, p, w).item(), 3.0, 1e-12);
  EXPECT_NEAR(MeanSquaredError({.reduction = "mean_with_sample_weight"})(t, p, w).item(), 2.0,
              1e-12);
  EXPECT_TRUE(all_close(MeanSquaredError({.reduction = "none"})(t, p, w), f64({1, 2, 0}, {3}), 0));
  // (batch, 1) weights squeeze to (batch,).
  EXPECT_NEAR(MeanSquaredError()(t, p, w.reshape({3, 1})).item(), 1.0, 1e-12);
}

TEST(Loss, BatchWeightsBroadcastOverSequenceLosses) {
  // Per-step losses (batch 2, steps 3); a (batch,) weight scales every step of its sample.
  Tensor t = zeros({2, 3, 1}, {.dtype = DType::f64});
  Tensor p = f64({1, 2, 3, 4, 5, 6}, {2, 3, 1});
  Tensor v = MeanSquaredError()(t, p, f64({1, 0}, {2}));
  EXPECT_NEAR(v.item(), (1 + 4 + 9) / 6.0, 1e-12);
  MZ_EXPECT_THROW_MSG(MeanSquaredError()(t, p, f64({1, 0, 1}, {3})), ValueError,
                      "MeanSquaredError 'mean_squared_error': sample_weight does not match the "
                      "per-sample losses: expected a shape that broadcasts to (2, 3), got (3, 1).");
}

TEST(Loss, RejectsUnknownReductions) {
  MZ_EXPECT_THROW_MSG(MeanSquaredError({.reduction = "avg"}), ValueError,
                      "Loss 'mean_squared_error': reduction must be \"sum_over_batch_size\", "
                      "\"sum\", \"mean\", \"mean_with_sample_weight\" or \"none\", got \"avg\".");
}

TEST(Loss, GradientFlowsThroughWeightedReduction) {
  Tensor t = f64({0.1, 0.2, 0.3, 0.4}, {2, 2});
  Tensor p = f64({0.5, -0.2, 0.7, 0.1}, {2, 2});
  for (const char* r : {"sum_over_batch_size", "sum", "mean_with_sample_weight", "none"})
    EXPECT_TRUE(grad_ok(
        [&](auto& x) {
          return MeanSquaredError({.reduction = r})(t, x[0], f64({0.3, 1.5}, {2}));
        },
        {p}))
        << r;
}

TEST(GetLoss, ResolvesKerasNamesAliasesAndClassNames) {
  struct Case {
    const char* name;
    const char* class_name;
  };
  for (Case c :
       std::vector<Case>{{"mse", "MeanSquaredError"},
                         {"MSE", "MeanSquaredError"},
                         {"mean_squared_error", "MeanSquaredError"},
                         {"mae", "MeanAbsoluteError"},
                         {"mape", "MeanAbsolutePercentageError"},
                         {"msle", "MeanSquaredLogarithmicError"},
                         {"huber", "Huber"},
                         {"log_cosh", "LogCosh"},
                         {"logcosh", "LogCosh"},
                         {"kld", "KLDivergence"},
                         {"kl_divergence", "KLDivergence"},
                         {"poisson", "Poisson"},
                         {"hinge", "Hinge"},
                         {"squared_hinge", "SquaredHinge"},
                         {"categorical_hinge", "CategoricalHinge"},
                         {"cosine_similarity", "CosineSimilarity"},
                         {"binary_crossentropy", "BinaryCrossentropy"},
                         {"bce", "BinaryCrossentropy"},
                         {"binary_focal_crossentropy", "BinaryFocalCrossentropy"},
                         {"categorical_crossentropy", "CategoricalCrossentropy"},
                         {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"},
                         {"SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy"},
                         {"KLDivergence", "KLDivergence"}}) {
    LossPtr loss = get_loss(c.name);
    ASSERT_TRUE(loss) << c.name;
    EXPECT_EQ(loss->class_name(), c.class_name) << c.name;
    EXPECT_EQ(loss->reduction(), "sum_over_batch_size");
  }
  EXPECT_EQ(get_loss("mse")->name(), "mean_squared_error");
}

TEST(GetLoss, UnknownNameListsTheValidOnes) {
  MZ_EXPECT_THROW_MSG(get_loss("mean_square_error"), ValueError,
                      "get_loss: unknown loss: expected one of ");
  MZ_EXPECT_THROW_MSG(get_loss("mean_square_error"), ValueError,
                      "\"sparse_categorical_crossentropy\", \"squared_hinge\" or a class name such "
                      "as \"MeanSquaredError\", got \"mean_square_error\".");
  MZ_EXPECT_THROW_MSG(get_loss("x"), ValueError, "\"mse\"");
}

TEST(LossFromConfig, RoundTripsEveryLoss) {
  const char* names[] = {"MeanSquaredError",
                         "MeanAbsoluteError",
                         "MeanAbsolutePercentageError",
                         "MeanSquaredLogarithmicError",
                         "Huber",
                         "LogCosh",
                         "BinaryCrossentropy",
                         "BinaryFocalCrossentropy",
                         "CategoricalCrossentropy",
                         "SparseCategoricalCrossentropy",
                         "KLDivergence",
                         "Poisson",
                         "Hinge",
                         "SquaredHinge",
                         "CategoricalHinge",
                         "CosineSimilarity"};
  for (const char* n : names) {
    LossPtr a = get_loss(n);
    LossPtr b = loss_from_config(Json{{"class_name", a->class_name()}, {"config", a->config()}});
    EXPECT_EQ(b->class_name(), a->class_name());
    EXPECT_EQ(b->config(), a->config()) << n;
  }
}

TEST(LossFromConfig, ReadsKerasFiles) {
  // As Keras 3 writes compile_config's loss, with keys this class ignores (dtype, module).
  Json keras = Json::parse(R"({"module": "keras.losses",
      "class_name": "SparseCategoricalCrossentropy",
      "config": {"name": "scce", "reduction": "sum", "from_logits": true, "ignore_class": null,
                 "dtype": "float32"},
      "registered_name": null})");
  LossPtr loss = loss_from_config(keras);
  auto* scce = dynamic_cast<SparseCategoricalCrossentropy*>(loss.get());
  ASSERT_NE(scce, nullptr);
  EXPECT_TRUE(scce->options().from_logits);
  EXPECT_EQ(scce->name(), "scce");
  EXPECT_EQ(scce->reduction(), "sum");
  EXPECT_EQ(loss_from_config(Json("mae"))->class_name(), "MeanAbsoluteError");
  Json fn = Json::parse(R"({"module": "keras.losses", "class_name": "function",
                            "config": "categorical_crossentropy", "registered_name": null})");
  EXPECT_EQ(loss_from_config(fn)->class_name(), "CategoricalCrossentropy");
  Json focal = BinaryFocalCrossentropy({.apply_class_balancing = true, .gamma = 3}).config();
  auto f = loss_from_config(Json{{"class_name", "BinaryFocalCrossentropy"}, {"config", focal}});
  EXPECT_EQ(f->config()["gamma"], 3.0);
  EXPECT_EQ(f->config()["apply_class_balancing"], true);
  EXPECT_EQ(loss_from_config(Json{{"class_name", "Huber"}, {"config", {{"delta", 2.5}}}})
                ->config()["delta"],
            2.5);
  MZ_EXPECT_THROW_MSG(loss_from_config(Json{{"class_name", "Nope"}}), ValueError,
                      "loss_from_config: unknown loss: expected one of ");
}

TEST(MakeLoss, WrapsACallableWithKerasReduction) {
  LossPtr loss = make_loss(
      [](const Tensor& t, const Tensor& p) { return mean(abs(t - p) * 2.0, {-1}); }, "twice_mae");
  EXPECT_EQ(loss->name(), "twice_mae");
  Tensor t = f64({0, 1, 0, 0}, {2, 2}), p = f64({1, 1, 1, 0}, {2, 2});
  EXPECT_NEAR((*loss)(t, p).item(), 1.0, 1e-12);
  EXPECT_NEAR((*loss)(t, p, f64({1, 0}, {2})).item(), 0.5, 1e-12);
  // LossSpec takes names, Loss objects and callables.
  EXPECT_EQ(LossSpec("mse").get()->class_name(), "MeanSquaredError");
  EXPECT_EQ(LossSpec(CategoricalCrossentropy({.from_logits = true})).get()->class_name(),
            "CategoricalCrossentropy");
  EXPECT_EQ(LossSpec(LossFn([](const Tensor& t, const Tensor&) { return t; })).get()->name(),
            "custom_loss");
}

}  // namespace
}  // namespace mz
