// Conv2DTranspose: conformance, Keras's output sizes (valid, same, output_padding), the adjoint
// relation with Conv2D, errors and config.
#include "mz/nn/layers/conv2d_transpose.h"

#include "layer_conformance.h"
#include "mz/ops/conv.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::expect_layer_conforms;

TEST(Conv2DTranspose, Conforms) {
  expect_layer_conforms([](DType dt) { return L::Conv2DTranspose(3, 2, {.dtype = dt}); },
                        {2, 3, 2, 2}, {2, 4, 3, 3}, {{2, 2, 3, 2}, {3}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv2DTranspose(
            2, 3, {.strides = 2, .padding = "same", .activation = "tanh", .dtype = dt});
      },
      {1, 2, 3, 2}, {1, 4, 6, 2}, {{3, 3, 2, 2}, {2}});
  expect_layer_conforms(
      [](DType dt) {
        return L::Conv2DTranspose(
            2, {2, 3},
            {.strides = {3, 2}, .output_padding = {{1, 0}}, .use_bias = false, .dtype = dt});
      },
      {1, 2, 2, 1}, {1, 6, 5, 2}, {{2, 3, 2, 1}});
}

TEST(Conv2DTranspose, OutputShapesFollowKeras) {
  // Keras 3 (compute_conv_transpose_output_shape): valid (n - 1) s + k + max(k, s) - k;
  // same n * s; with output_padding (n - 1) s + k + p (valid) or (n - 1) s + k % 2 + p (same).
  auto shape = [](L::Conv2DTranspose layer, Shape in) { return layer.compute_output_shape(in); };
  EXPECT_EQ(shape(L::Conv2DTranspose(2, 3, {.strides = 2}), {-1, 4, 5, 3}), (Shape{-1, 9, 11, 2}));
  EXPECT_EQ(shape(L::Conv2DTranspose(2, 2, {.strides = 3}), {-1, 4, 5, 3}), (Shape{-1, 12, 15, 2}));
  EXPECT_EQ(shape(L::Conv2DTranspose(2, 3, {.strides = 2, .padding = "same"}), {-1, 4, 5, 3}),
            (Shape{-1, 8, 10, 2}));
  EXPECT_EQ(shape(L::Conv2DTranspose(2, 3, {.strides = 2, .padding = "same", .output_padding = 0}),
                  {-1, 4, 5, 3}),
            (Shape{-1, 7, 9, 2}));
  EXPECT_EQ(shape(L::Conv2DTranspose(2, 3, {.strides = 2, .output_padding = 1}), {-1, 4, 5, 3}),
            (Shape{-1, 10, 12, 2}));
  EXPECT_EQ(shape(L::Conv2DTranspose(2, 3, {.dilation_rate = 2}), {-1, 4, -1, 3}),
            (Shape{-1, 8, -1, 2}));
  for (auto padding : {"valid", "same"})
    for (int64_t s : {1, 2, 3}) {
      L::Conv2DTranspose t(2, 3, {.strides = s, .padding = padding});
      EXPECT_EQ(t(zeros({1, 4, 5, 3})).shape(), t.compute_output_shape({1, 4, 5, 3}));
    }
}

TEST(Conv2DTranspose, IsTheGradientOfConv2DWithTheSameKernel) {
  // Conv2DTranspose(x) = conv_grad_input(x, kernel) of the conv that maps its output back.
  L::Conv2DTranspose t(3, 3, {.strides = 2, .padding = "same", .use_bias = false});
  Tensor x = uniform({2, 4, 5, 2}, -1.0, 1.0);
  Tensor y = t(x);
  EXPECT_EQ(y.shape(), (Shape{2, 8, 10, 3}));
  Tensor want = conv_grad_input(x, t.kernel()->value, y.shape(),
                                {.strides = {2}, .pads_before = {0}, .pads_after = {1}});
  EXPECT_TRUE(testing::all_close(y, want, 1e-6, 1e-6));
}

TEST(Conv2DTranspose, RejectsBadOutputPaddingAndRank) {
  MZ_EXPECT_THROW_MSG(L::Conv2DTranspose(2, 3, {.strides = 2, .output_padding = 2, .name = "t"}),
                      ValueError,
                      "Conv2DTranspose 't': output_padding must be smaller than strides: "
                      "expected values < (2, 2), got (2, 2).");
  MZ_EXPECT_THROW_MSG(L::Conv2DTranspose(2, 3, {.name = "t"})(zeros({4, 4, 3})), ShapeError,
                      "Conv2DTranspose 't': expected input of rank 4 (batch, rows, cols, "
                      "channels), got rank 3: (None, 4, 3).");
  MZ_EXPECT_THROW_MSG(L::Conv2DTranspose(2, 3, {.data_format = "channels_first", .name = "t"}),
                      ValueError,
                      "Conv2DTranspose 't': data_format \"channels_first\" is not "
                      "supported");
}

TEST(Conv2DTranspose, ConfigHasKerasKeys) {
  L::Conv2DTranspose t(8, 3, {.strides = 2, .padding = "same", .name = "up"});
  Json c = t.config();
  EXPECT_EQ(c["filters"], 8);
  EXPECT_EQ(c["kernel_size"], Json::parse("[3, 3]"));
  EXPECT_EQ(c["strides"], Json::parse("[2, 2]"));
  EXPECT_EQ(c["output_padding"], nullptr);
  EXPECT_FALSE(c.contains("groups"));
  EXPECT_EQ(L::Conv2DTranspose::from_config(c)->config(), c);
  Json with_op = L::Conv2DTranspose(8, 3, {.strides = 2, .output_padding = {{1, 0}}}).config();
  EXPECT_EQ(with_op["output_padding"], Json::parse("[1, 0]"));
  EXPECT_EQ(L::Conv2DTranspose::from_config(with_op)->config()["output_padding"],
            Json::parse("[1, 0]"));
}

}  // namespace
}  // namespace mz
