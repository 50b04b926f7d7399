// Regularizers: Keras's penalties, their gradients, names, configs and argument checks.
#include "mz/nn/regularizers.h"

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

namespace R = regularizers;

Tensor weights64() { return tensor(std::vector<double>{0.5, -1.5, 2.0, -0.25, 1.0, 0.75}, {2, 3}); }

TEST(Regularizers, PenaltiesMatchKerasFormulas) {
  Tensor w = weights64();  // sum |w| = 6, sum w^2 = 8.125
  EXPECT_NEAR(R::L1()(w).item(), 0.01 * 6.0, 1e-15);
  EXPECT_NEAR(R::L2(0.5)(w).item(), 0.5 * 8.125, 1e-15);
  EXPECT_NEAR(R::L1L2({.l1 = 0.1, .l2 = 0.2})(w).item(), 0.1 * 6.0 + 0.2 * 8.125, 1e-15);
  EXPECT_EQ(R::L1L2()(w).item(), 0.0);
  EXPECT_EQ(R::L2()(w).rank(), 0);
  EXPECT_EQ(R::L2()(w.to(DType::f32)).dtype(), DType::f32);
}

TEST(Regularizers, GradientsMatchFiniteDifferences) {
  Tensor w = weights64();
  EXPECT_TRUE(testing::grad_ok([](auto& in) { return R::L1(0.3)(in[0]); }, {w}));
  EXPECT_TRUE(testing::grad_ok([](auto& in) { return R::L2(0.3)(in[0]); }, {w}));
  EXPECT_TRUE(
      testing::grad_ok([](auto& in) { return R::L1L2({.l1 = 0.2, .l2 = 0.1})(in[0]); }, {w}));
}

TEST(Regularizers, NamesAndConfigsFollowKeras3) {
  EXPECT_EQ(get_regularizer("l1")->config(), Json::parse(R"({"l1": 0.01})"));
  EXPECT_EQ(get_regularizer("L2")->config(), Json::parse(R"({"l2": 0.01})"));
  EXPECT_EQ(get_regularizer("l1_l2")->config(), Json::parse(R"({"l1": 0.0, "l2": 0.0})"));
  MZ_EXPECT_THROW_MSG(get_regularizer("l3"), ValueError,
                      "get_regularizer: unknown regularizer: expected one of l1, l2, l1_l2; got "
                      "\"l3\".");
  Json keras = Json::parse(R"({"module": "keras.regularizers", "class_name": "L1L2",
                               "config": {"l1": 0.001, "l2": 0.002}, "registered_name": null})");
  RegularizerPtr r = regularizer_from_config(keras);
  EXPECT_EQ(r->class_name(), "L1L2");
  EXPECT_EQ(regularizer_to_config(r), keras);
  EXPECT_EQ(regularizer_from_config(nullptr), nullptr);
  EXPECT_TRUE(regularizer_to_config(nullptr).is_null());
  EXPECT_EQ(regularizer_from_config("l2")->class_name(), "L2");
  MZ_EXPECT_THROW_MSG(regularizer_from_config(Json::parse(R"({"class_name": "Orthogonal"})")),
                      ValueError, "unknown regularizer class: expected one of L1, L2, L1L2");
}

TEST(Regularizers, RejectNegativeFactors) {
  MZ_EXPECT_THROW_MSG(R::L2(-0.1), ValueError,
                      "L2: l2 must be a non-negative number: expected l2 >= 0, got -0.1.");
  MZ_EXPECT_THROW_MSG(R::L1L2({.l1 = -1}), ValueError, "L1L2: l1 must be a non-negative number");
}

TEST(Regularizers, SpecsAcceptNamesAndObjects) {
  EXPECT_EQ(RegularizerSpec().get(), nullptr);
  EXPECT_EQ(RegularizerSpec("l1").get()->class_name(), "L1");
  EXPECT_EQ(RegularizerSpec(R::L2(0.5)).get()->config()["l2"], 0.5);
}

}  // namespace
}  // namespace mz
