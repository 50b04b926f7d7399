// Constraints: Keras's projections, their axes, names, configs, and that they record nothing.
#include "mz/nn/constraints.h"

#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

namespace C = constraints;
using testing::all_close;

// Columns with norms 5 (3, 4) and 0.5 (0.3, -0.4).
Tensor kernel() { return tensor(std::vector<double>{3.0, 0.3, 4.0, -0.4}, {2, 2}); }

TEST(Constraints, MaxNormCapsColumnNorms) {
  Tensor w = C::MaxNorm()(kernel());
  // Column 0 scaled to norm 2, column 1 (norm 0.5) kept up to Keras's epsilon.
  Tensor expected = tensor(std::vector<double>{3.0 * 2 / (5 + 1e-7), 0.3 * 0.5 / (0.5 + 1e-7),
                                               4.0 * 2 / (5 + 1e-7), -0.4 * 0.5 / (0.5 + 1e-7)},
                           {2, 2});
  EXPECT_TRUE(all_close(w, expected, 1e-14));
  // axis 1: the rows (norms sqrt(9.09), sqrt(16.16)) are capped at 1.
  Tensor rows = C::MaxNorm({.max_value = 1.0, .axis = 1})(kernel());
  EXPECT_TRUE(all_close(sqrt(sum(square(rows), {1})), full({2}, 1.0, {.dtype = DType::f64}), 1e-6));
}

TEST(Constraints, NonNegZeroesNegatives) {
  EXPECT_EQ(C::NonNeg()(kernel()).to_vector<double>(), (std::vector<double>{3.0, 0.3, 4.0, 0.0}));
}

TEST(Constraints, UnitNormNormalisesAlongAxis) {
  Tensor w = C::UnitNorm()(kernel());
  EXPECT_TRUE(all_close(sqrt(sum(square(w), {0})), full({2}, 1.0, {.dtype = DType::f64}), 1e-6));
  Tensor r = C::UnitNorm({.axis = -1})(kernel());
  EXPECT_TRUE(all_close(sqrt(sum(square(r), {1})), full({2}, 1.0, {.dtype = DType::f64}), 1e-6));
}

TEST(Constraints, MinMaxNormBoundsNorms) {
  Tensor w = C::MinMaxNorm({.min_value = 1.0, .max_value = 2.0})(kernel());
  EXPECT_TRUE(
      all_close(sqrt(sum(square(w), {0})), tensor(std::vector<double>{2.0, 1.0}, {2}), 1e-6));
  // rate 0.5 moves halfway: norms 0.5 * 2 + 0.5 * 5 = 3.5 and 0.5 * 1 + 0.5 * 0.5 = 0.75.
  Tensor h = C::MinMaxNorm({.min_value = 1.0, .max_value = 2.0, .rate = 0.5})(kernel());
  EXPECT_TRUE(
      all_close(sqrt(sum(square(h), {0})), tensor(std::vector<double>{3.5, 0.75}, {2}), 1e-6));
}

TEST(Constraints, RecordNoGradient) {
  Tensor w = kernel().set_requires_grad();
  Tensor p = C::MaxNorm()(w);
  EXPECT_FALSE(p.requires_grad());
  EXPECT_TRUE(p.is_leaf());
}

TEST(Constraints, NamesAndConfigsFollowKeras) {
  EXPECT_EQ(get_constraint("max_norm")->config(), Json::parse(R"({"max_value": 2.0, "axis": 0})"));
  EXPECT_EQ(get_constraint("NonNeg")->class_name(), "NonNeg");
  EXPECT_EQ(get_constraint("unit_norm")->config(), Json::parse(R"({"axis": 0})"));
  EXPECT_EQ(get_constraint("min_max_norm")->config(),
            Json::parse(R"({"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0})"));
  MZ_EXPECT_THROW_MSG(get_constraint("positive"), ValueError,
                      "get_constraint: unknown constraint: expected one of max_norm, non_neg, "
                      "unit_norm, min_max_norm; got \"positive\".");
  Json keras = Json::parse(R"({"module": "keras.constraints", "class_name": "MaxNorm",
                               "config": {"max_value": 3.0, "axis": 1}, "registered_name": null})");
  EXPECT_EQ(constraint_to_config(constraint_from_config(keras)), keras);
  EXPECT_EQ(constraint_from_config(nullptr), nullptr);
  EXPECT_EQ(constraint_from_config("non_neg")->class_name(), "NonNeg");
  MZ_EXPECT_THROW_MSG(constraint_from_config(Json::parse(R"({"class_name": "Clip"})")), ValueError,
                      "unknown constraint class");
}

}  // namespace
}  // namespace mz
