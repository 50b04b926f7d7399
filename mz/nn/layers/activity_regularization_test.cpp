// ActivityRegularization: conformance, the identity, its penalty in losses() and the penalty's
// gradient, config without "activity_regularizer", errors.
#include "mz/nn/layers/activity_regularization.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

TEST(ActivityRegularization, Conforms) {
  expect_layer_conforms(
      [](DType dt) { return L::ActivityRegularization({.l1 = 0.1, .l2 = 0.2, .dtype = dt}); },
      {3, 4}, {3, 4}, {});
}

TEST(ActivityRegularization, PenalisesTheOutput) {
  L::ActivityRegularization reg({.l1 = 0.1, .l2 = 0.01});
  Tensor x = tensor(std::vector<double>{1, -2, 3, 0.5}, {2, 2});
  x.set_requires_grad();
  Tensor y = reg(x);
  EXPECT_TRUE(testing::all_equal(y, x));
  std::vector<Tensor> losses = reg.losses();
  ASSERT_EQ(losses.size(), 1u);
  // 0.1 * (1 + 2 + 3 + 0.5) + 0.01 * (1 + 4 + 9 + 0.25)
  EXPECT_NEAR(losses[0].item(), 0.65 + 0.1425, 1e-12);
  losses[0].backward();
  // d/dx: 0.1 * sign(x) + 0.02 * x
  EXPECT_TRUE(
      all_close(x.grad(), tensor(std::vector<double>{0.12, -0.14, 0.16, 0.11}, {2, 2}), 1e-12));
}

TEST(ActivityRegularization, ConfigAndErrors) {
  Json c = L::ActivityRegularization({.l1 = 0.5}).config();
  EXPECT_EQ(c["l1"], 0.5);
  EXPECT_EQ(c["l2"], 0.0);
  EXPECT_FALSE(c.contains("activity_regularizer"));
  EXPECT_EQ(L::ActivityRegularization::from_config(c)->l1(), 0.5);
  MZ_EXPECT_THROW_MSG(L::ActivityRegularization({.l2 = -1.0, .name = "ar"}), ValueError,
                      "ActivityRegularization 'ar': l1 and l2 must be finite and non-negative: "
                      "got l1 0, l2 -1.");
}

}  // namespace
}  // namespace mz
