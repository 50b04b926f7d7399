// RepeatVector: conformance, values, gradient sums the copies, config, errors.
#include "mz/nn/layers/repeat_vector.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(RepeatVector, Conforms) {
  expect_layer_conforms([](DType dt) { return L::RepeatVector(3, {.dtype = dt}); }, {2, 4},
                        {2, 3, 4}, {});
}

TEST(RepeatVector, RepeatsEachSample) {
  Tensor x = tensor(std::vector<float>{1, 2, 3, 4}, {2, 2});
  x.set_requires_grad();
  Tensor y = L::RepeatVector(3)(x);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
  EXPECT_TRUE(y.is_contiguous());
  sum(y).backward();
  EXPECT_EQ(x.grad().to_vector<float>(), (std::vector<float>{3, 3, 3, 3}));
  EXPECT_EQ(L::RepeatVector(5).compute_output_shape({-1, 7}), (Shape{-1, 5, 7}));
}

TEST(RepeatVector, ConfigAndErrors) {
  EXPECT_EQ(L::RepeatVector(4).config()["n"], 4);
  EXPECT_EQ(L::RepeatVector::from_config(Json::parse(R"({"n": 6})"))->n(), 6);
  MZ_EXPECT_THROW_MSG(L::RepeatVector(0, {.name = "r"}), ValueError,
                      "RepeatVector 'r': n must be positive: expected n >= 1, got 0.");
  MZ_EXPECT_THROW_MSG(L::RepeatVector(2, {.name = "r"})(zeros({2, 3, 4})), ShapeError,
                      "RepeatVector 'r': input must be (batch, features): expected rank 2, got "
                      "(2, 3, 4).");
}

}  // namespace
}  // namespace mz
