// Layer gradients on the cuda device in float64: Dense, Conv2D (direct kernels and cuDNN),
// LSTM, GRU, BatchNormalization (inference and training statistics) and pooling built on cuda,
// mz::gradcheck with respect to the input and the weights. Skips without a device.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mz/backend/cuda/conv_cudnn.h"
#include "mz/core/device.h"
#include "mz/nn/layer.h"
#include "mz/nn/layers/average_pooling2d.h"
#include "mz/nn/layers/batch_normalization.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/gru.h"
#include "mz/nn/layers/lstm.h"
#include "mz/nn/layers/max_pooling2d.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = layers;
using testing::grad_ok;

bool have_cuda() { return detail::backend_available(DeviceType::cuda); }

// Sets the convolution path for one test and restores automatic after it.
class PathGuard {
 public:
  explicit PathGuard(cuda::ConvPath path) { cuda::set_conv_path(path); }
  ~PathGuard() { cuda::set_conv_path(cuda::ConvPath::automatic); }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;
};

// Which weights gradcheck differentiates: every weight (inference mode reads the moving
// statistics too), or the trainable ones (training mode overwrites the moving statistics).
enum class Weights { all, trainable };

// Builds `layer` on cuda with a float64 input of `input_shape` drawn from [-1, 1), then checks
// d layer(x) / d (x, weights) against central differences, on the device.
void expect_grads_on_cuda(LayerPtr layer, const Shape& input_shape, bool training = false,
                          Weights which = Weights::all) {
  DeviceGuard on_cuda(Device::cuda());
  Generator gen(20240601);
  Tensor x = uniform(input_shape, -1.0, 1.0, {.dtype = DType::f64, .device = Device::cuda()}, gen);
  Tensor first = (*layer)(x, training);
  ASSERT_EQ(first.device(), Device::cuda()) << layer->who();
  for (const VariablePtr& v : layer->weights()) v->value = v->value.to(Device::cuda());
  std::vector<VariablePtr> ws =
      which == Weights::all ? layer->weights() : layer->trainable_weights();
  std::vector<Tensor> inputs{x};
  for (const VariablePtr& v : ws) inputs.push_back(v->value.detach());
  auto fn = [&](const std::vector<Tensor>& in) {
    std::vector<Tensor> saved;
    for (const VariablePtr& v : ws) saved.push_back(v->value);
    for (std::size_t i = 0; i < ws.size(); ++i) ws[i]->value = in[i + 1];
    Tensor out = (*layer)(in[0], training);
    for (std::size_t i = 0; i < ws.size(); ++i) ws[i]->value = saved[i];
    return out;
  };
  EXPECT_TRUE(grad_ok(fn, inputs)) << layer->who();
}

TEST(CudaLayersGrad, Dense) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  expect_grads_on_cuda(L::Dense(3, {.activation = "tanh", .dtype = DType::f64}), {4, 5});
  expect_grads_on_cuda(L::Dense(2, {.activation = "sigmoid", .dtype = DType::f64}), {2, 3, 4});
}

TEST(CudaLayersGrad, Conv2DDirectKernels) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  PathGuard guard(cuda::ConvPath::direct);
  expect_grads_on_cuda(
      L::Conv2D(3, {3, 3}, {.padding = "same", .activation = "tanh", .dtype = DType::f64}),
      {2, 5, 5, 2});
  expect_grads_on_cuda(L::Conv2D(4, {2, 3}, {.strides = {2, 1}, .groups = 2, .dtype = DType::f64}),
                       {1, 6, 5, 2});
}

TEST(CudaLayersGrad, Conv2DCudnn) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  // Every call offered to cuDNN (float64 NHWC where cuDNN has it, else the direct kernels).
  PathGuard guard(cuda::ConvPath::cudnn);
  expect_grads_on_cuda(
      L::Conv2D(3, {3, 3}, {.padding = "same", .activation = "relu", .dtype = DType::f64}),
      {2, 5, 5, 2});
  expect_grads_on_cuda(L::Conv2D(2, {3, 3}, {.dilation_rate = {2, 1}, .dtype = DType::f64}),
                       {1, 7, 5, 3});
}

TEST(CudaLayersGrad, LSTM) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  expect_grads_on_cuda(L::LSTM(3, {.dtype = DType::f64}), {2, 4, 3});
  expect_grads_on_cuda(L::LSTM(2, {.return_sequences = true, .dtype = DType::f64}), {2, 3, 4});
}

TEST(CudaLayersGrad, GRU) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  expect_grads_on_cuda(L::GRU(3, {.dtype = DType::f64}), {2, 4, 3});
  expect_grads_on_cuda(
      L::GRU(2, {.return_sequences = true, .reset_after = false, .dtype = DType::f64}), {2, 3, 4});
}

TEST(CudaLayersGrad, BatchNormalization) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  expect_grads_on_cuda(L::BatchNormalization({.dtype = DType::f64}), {6, 4});
  expect_grads_on_cuda(L::BatchNormalization({.dtype = DType::f64}), {3, 2, 2, 3},
                       /*training=*/true, Weights::trainable);
}

TEST(CudaLayersGrad, Pooling) {
  if (!have_cuda()) GTEST_SKIP() << "no CUDA device is present";
  expect_grads_on_cuda(L::MaxPooling2D({.padding = "same", .dtype = DType::f64}), {2, 5, 5, 3});
  expect_grads_on_cuda(
      L::AveragePooling2D({.pool_size = {3, 2}, .strides = {1, 2}, .dtype = DType::f64}),
      {2, 5, 6, 2});
}

}  // namespace
}  // namespace mz
