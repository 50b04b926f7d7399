// Layer conformance (STYLE.md §4, after Keras's run_layer_test): one call checks that a layer
// builds, computes the expected shapes, round-trips its config through layer_from_config,
// learns in one gradient step, and has correct gradients in float64.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "mz/autograd/gradcheck.h"
#include "mz/core/grad_mode.h"
#include "mz/nn/layer.h"
#include "mz/nn/layers/registry.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz::testing {

// Makes a fresh layer of the given dtype: [](DType dt) { return L::Dense(3, {.dtype = dt}); }.
using LayerFactory = std::function<LayerPtr(DType dtype)>;

// Checks, on inputs drawn uniformly from [-1, 1) of `input_shape` (batch first):
// 1. the output has `expected_output_shape`, compute_output_shape agrees (batch -1), and the
//    weights have `expected_weight_shapes` in order, with count_params their total;
// 2. config() survives layer_from_config({"class_name", "config"}) unchanged, and the rebuilt
//    layer given the same weights computes the same output;
// 3. one step w -= 0.1 * grad of mean(square(y)) over the trainable weights lowers that loss;
// 4. in float64, gradcheck passes with respect to the input and every weight.
inline void expect_layer_conforms(const LayerFactory& make, const Shape& input_shape,
                                  const Shape& expected_output_shape,
                                  const std::vector<Shape>& expected_weight_shapes) {
  Generator gen(20240601);
  Tensor x = uniform(input_shape, -1.0, 1.0, {}, gen);

  // 1. shapes
  LayerPtr layer = make(DType::f32);
  Tensor y = (*layer)(x, false);
  EXPECT_TRUE(layer->built()) << layer->who();
  EXPECT_EQ(y.shape(), expected_output_shape) << layer->who();
  Shape batchless = input_shape, expected_batchless = expected_output_shape;
  batchless[0] = -1, expected_batchless[0] = -1;
  EXPECT_EQ(layer->compute_output_shape(batchless), expected_batchless) << layer->who();
  std::vector<VariablePtr> ws = layer->weights();
  ASSERT_EQ(ws.size(), expected_weight_shapes.size()) << layer->who();
  int64_t params = 0;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    EXPECT_EQ(ws[i]->value.shape(), expected_weight_shapes[i]) << ws[i]->path;
    params += expected_weight_shapes[i].numel();
  }
  EXPECT_EQ(layer->count_params(), params) << layer->who();

  // 2. config round trip
  Json config = layer->config();
  LayerPtr copy = layer_from_config({{"class_name", layer->class_name()}, {"config", config}});
  EXPECT_EQ(copy->class_name(), layer->class_name());
  EXPECT_EQ(copy->config(), config)
      << "before: " << config.dump() << "\nafter:  " << copy->config().dump();
  copy->maybe_build(layer->build_shapes());
  copy->set_weights(layer->get_weights());
  EXPECT_TRUE(all_close((*copy)(x, false), y, 1e-6, 1e-7)) << layer->who() << " rebuilt";

  // 3. one gradient step lowers mean(square(y))
  std::vector<VariablePtr> trainable = layer->trainable_weights();
  if (!trainable.empty()) {
    Tensor loss = mean(square((*layer)(x, false)));
    loss.backward();
    {
      NoGrad no_grad;
      for (const VariablePtr& v : trainable) {
        ASSERT_TRUE(v->value.grad().defined()) << v->path << " got no gradient";
        add_(v->value, v->value.grad(), -0.1);
        v->value.zero_grad();
      }
    }
    Tensor after = mean(square((*layer)(x, false)));
    EXPECT_LT(after.item(), loss.item()) << layer->who() << ": one step did not lower the loss";
  }

  // 4. gradcheck in float64 w.r.t. the input and every weight
  LayerPtr layer64 = make(DType::f64);
  Tensor x64 = x.to(DType::f64);
  (*layer64)(x64, false);
  std::vector<VariablePtr> ws64 = layer64->weights();
  std::vector<Tensor> inputs{x64};
  for (const VariablePtr& v : ws64) inputs.push_back(v->value.detach());
  auto fn = [&](const std::vector<Tensor>& in) {
    std::vector<Tensor> saved;
    for (std::size_t i = 0; i < ws64.size(); ++i) saved.push_back(ws64[i]->value);
    for (std::size_t i = 0; i < ws64.size(); ++i) ws64[i]->value = in[i + 1];
    Tensor out = (*layer64)(in[0], false);
    for (std::size_t i = 0; i < ws64.size(); ++i) ws64[i]->value = saved[i];
    return out;
  };
  EXPECT_TRUE(grad_ok(fn, inputs)) << layer64->who();
}

// expect_layer_conforms for layers called on a list of inputs (attention, merging): the same
// four checks on inputs of `input_shapes` drawn from [-1, 1), on the first output, with the
// gradcheck taken with respect to every input and every weight.
inline void expect_multi_input_layer_conforms(const LayerFactory& make,
                                              const std::vector<Shape>& input_shapes,
                                              const Shape& expected_output_shape,
                                              const std::vector<Shape>& expected_weight_shapes) {
  Generator gen(20240601);
  std::vector<Tensor> xs;
  for (const Shape& s : input_shapes) xs.push_back(uniform(s, -1.0, 1.0, {}, gen));

  // 1. shapes
  LayerPtr layer = make(DType::f32);
  Tensor y = (*layer)(xs, false).at(0);
  EXPECT_TRUE(layer->built()) << layer->who();
  EXPECT_EQ(y.shape(), expected_output_shape) << layer->who();
  std::vector<Shape> batchless = input_shapes;
  for (Shape& s : batchless) s[0] = -1;
  Shape expected_batchless = expected_output_shape;
  expected_batchless[0] = -1;
  EXPECT_EQ(layer->compute_output_shapes(batchless).at(0), expected_batchless) << layer->who();
  std::vector<VariablePtr> ws = layer->weights();
  ASSERT_EQ(ws.size(), expected_weight_shapes.size()) << layer->who();
  int64_t params = 0;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    EXPECT_EQ(ws[i]->value.shape(), expected_weight_shapes[i]) << ws[i]->path;
    params += expected_weight_shapes[i].numel();
  }
  EXPECT_EQ(layer->count_params(), params) << layer->who();

  // 2. config round trip
  Json config = layer->config();
  LayerPtr copy = layer_from_config({{"class_name", layer->class_name()}, {"config", config}});
  EXPECT_EQ(copy->class_name(), layer->class_name());
  EXPECT_EQ(copy->config(), config)
      << "before: " << config.dump() << "\nafter:  " << copy->config().dump();
  copy->maybe_build(layer->build_shapes());
  copy->set_weights(layer->get_weights());
  EXPECT_TRUE(all_close((*copy)(xs, false).at(0), y, 1e-6, 1e-7)) << layer->who() << " rebuilt";

  // 3. one gradient step lowers mean(square(y))
  std::vector<VariablePtr> trainable = layer->trainable_weights();
  if (!trainable.empty()) {
    Tensor loss = mean(square((*layer)(xs, false).at(0)));
    loss.backward();
    {
      NoGrad no_grad;
      for (const VariablePtr& v : trainable) {
        ASSERT_TRUE(v->value.grad().defined()) << v->path << " got no gradient";
        add_(v->value, v->value.grad(), -0.1);
        v->value.zero_grad();
      }
    }
    Tensor after = mean(square((*layer)(xs, false).at(0)));
    EXPECT_LT(after.item(), loss.item()) << layer->who() << ": one step did not lower the loss";
  }

  // 4. gradcheck in float64 w.r.t. every input and every weight
  LayerPtr layer64 = make(DType::f64);
  std::vector<Tensor> inputs;
  for (const Tensor& x : xs) inputs.push_back(x.to(DType::f64));
  (*layer64)(inputs, false);
  std::vector<VariablePtr> ws64 = layer64->weights();
  const std::size_t n = xs.size();
  for (const VariablePtr& v : ws64) inputs.push_back(v->value.detach());
  auto fn = [&](const std::vector<Tensor>& in) {
    std::vector<Tensor> saved;
    for (std::size_t i = 0; i < ws64.size(); ++i) saved.push_back(ws64[i]->value);
    for (std::size_t i = 0; i < ws64.size(); ++i) ws64[i]->value = in[n + i];
    Tensor out = (*layer64)(std::vector<Tensor>(in.begin(), in.begin() + n), false).at(0);
    for (std::size_t i = 0; i < ws64.size(); ++i) ws64[i]->value = saved[i];
    return out;
  };
  EXPECT_TRUE(grad_ok(fn, inputs)) << layer64->who();
}

}  // namespace mz::testing
