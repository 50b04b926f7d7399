// The models, data and single-process references the data-parallel tests share (mz_dist_test
// in threads, tests/dist under mpirun): an MLP and a small CNN in float32 or float64 with SGD +
// momentum or Adam, deterministic data, and the "sharded reference" that sums per-shard
// gradients in rank order in one process.
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/core/grad_mode.h"
#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/flatten.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/adam.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"

namespace mz::dist_testing {

// What to train: "mlp", "mlp_wide" (9 hidden units, not 8: a different model for the same
// data) or "cnn", float32 or float64, "sgd" (momentum 0.9) or "adam".
struct Case {
  std::string model = "mlp";
  DType dtype = DType::f64;
  std::string optimizer = "sgd";
};

inline std::string name(const Case& c) {
  return c.model + "_" + dtype_name(c.dtype) + "_" + c.optimizer;
}

// The compiled model, its weights drawn after set_seed(seed) (MSE loss).
inline std::shared_ptr<Sequential> make_model(const Case& c, uint64_t seed) {
  namespace L = layers;
  set_seed(seed);
  std::shared_ptr<Sequential> m;
  if (c.model == "cnn")
    m = std::make_shared<Sequential>(std::vector<LayerPtr>{
        Input({6, 6, 1}, {.dtype = c.dtype}),
        std::make_shared<L::Conv2D>(4, 3, L::Conv2DOptions{.activation = "relu", .dtype = c.dtype}),
        std::make_shared<L::Flatten>(L::FlattenOptions{.dtype = c.dtype}),
        std::make_shared<L::Dense>(3, L::DenseOptions{.dtype = c.dtype})});
  else
    m = std::make_shared<Sequential>(std::vector<LayerPtr>{
        Input({5}, {.dtype = c.dtype}),
        std::make_shared<L::Dense>(c.model == "mlp_wide" ? 9 : 8,
                                   L::DenseOptions{.activation = "tanh", .dtype = c.dtype}),
        std::make_shared<L::Dense>(3, L::DenseOptions{.dtype = c.dtype})});
  OptimizerSpec opt =
      c.optimizer == "adam"
          ? OptimizerSpec(optimizers::Adam({.learning_rate = 0.01}))
          : OptimizerSpec(optimizers::SGD({.learning_rate = 0.05, .momentum = 0.9}));
  m->compile({.optimizer = opt, .loss = "mse"});
  return m;
}

// n deterministic samples (x, y) for the case's model; `salt` varies them.
inline std::pair<Tensor, Tensor> make_data(const Case& c, int64_t n, double salt = 0.0) {
  const int64_t features = c.model == "cnn" ? 36 : 5;
  std::vector<double> x(static_cast<std::size_t>(n * features)), y(static_cast<std::size_t>(n * 3));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37 * static_cast<double>(i) + salt);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = std::cos(0.11 * static_cast<double>(i) + salt);
  Shape xs = c.model == "cnn" ? Shape{n, 6, 6, 1} : Shape{n, features};
  return {tensor(x, xs).to(c.dtype), tensor(y, Shape{n, 3}).to(c.dtype)};
}

// The trainable weights' values, cloned.
inline std::vector<Tensor> weights_of(const Model& m) {
  std::vector<Tensor> out;
  for (const VariablePtr& v : m.weights()) out.push_back(v->value.clone());
  return out;
}

// One process, `steps` global batches of `batch` rows (unshuffled): each batch is split into
// `ranks` equal shards, each shard's mean-loss gradient is computed alone, the gradients are
// added in rank order, divided by ranks and applied: what the ranks of a distributed fit do.
inline void sharded_reference(Model& m, const Tensor& x, const Tensor& y, int64_t batch, int ranks,
                              int64_t steps) {
  std::vector<VariablePtr> vars = m.trainable_weights();
  for (int64_t s = 0; s < steps; ++s) {
    std::vector<Tensor> sum(vars.size());
    for (int r = 0; r < ranks; ++r) {
      const int64_t begin = s * batch + r * batch / ranks,
                    end = s * batch + (r + 1) * batch / ranks;
      for (const VariablePtr& v : vars) v->value.zero_grad();
      Tensor pred = m(x.slice(0, begin, end), /*training=*/true);
      Tensor loss = (*m.loss())(y.slice(0, begin, end), pred, Tensor());
      loss.backward();
      NoGrad no_grad;
      for (std::size_t k = 0; k < vars.size(); ++k) {
        Tensor g = vars[k]->value.grad().clone();
        sum[k] = r == 0 ? g : sum[k] + g;
      }
    }
    NoGrad no_grad;
    for (Tensor& g : sum) g = g / static_cast<double>(ranks);
    m.optimizer()->apply(sum, vars);
    for (const VariablePtr& v : vars) v->value.zero_grad();
  }
}

}  // namespace mz::dist_testing
