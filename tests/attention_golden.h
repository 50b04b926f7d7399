// Parity of the attention layers with the golden files of tools/golden/attention.py (Keras 3's
// computations in torch float64): one call runs a layer on a case's inputs and weights and
// compares the output, the attention scores and the gradients of sum(out * cot) at 1e-10.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "mz/core/grad_mode.h"
#include "mz/io/npy.h"
#include "mz/nn/layer.h"
#include "mz/ops/ops.h"
#include "testing.h"

namespace mz::testing {

// tests/golden/attention/<case>_<name>.npy.
inline Tensor attention_golden(const std::string& c, const std::string& name) {
  return io::read_npy(str(MZ_GOLDEN_DIR, "/attention/", c, "_", name, ".npy"));
}

// Builds `layer` (float64) on the case's inputs `input_names` through `call` (inputs ->
// {output, scores}), sets its weights to w0, w1, ..., then checks out, scores, d_<input> and
// d_w<i> against the case at |a - e| <= 1e-10 + 1e-10 |e|.
inline void expect_attention_golden(
    Layer& layer, const std::string& c, const std::vector<std::string>& input_names,
    const std::function<std::vector<Tensor>(const std::vector<Tensor>&)>& call) {
  SCOPED_TRACE("golden case " + c);
  std::vector<Tensor> xs;
  for (const std::string& n : input_names) xs.push_back(attention_golden(c, n));
  {
    NoGrad no_grad;
    call(xs);
  }
  std::vector<Tensor> ws;
  for (std::size_t i = 0; i < layer.weights().size(); ++i)
    ws.push_back(attention_golden(c, str("w", i)));
  layer.set_weights(ws);
  for (Tensor& x : xs) x.set_requires_grad();
  for (const VariablePtr& v : layer.weights()) v->value.zero_grad();
  std::vector<Tensor> ys = call(xs);
  ASSERT_EQ(ys.size(), 2u);
  EXPECT_TRUE(all_close(ys[0], attention_golden(c, "out"), 1e-10, 1e-10)) << "out";
  EXPECT_TRUE(all_close(ys[1], attention_golden(c, "scores"), 1e-10, 1e-10)) << "scores";
  sum(ys[0] * attention_golden(c, "cot")).backward();
  for (std::size_t i = 0; i < xs.size(); ++i)
    EXPECT_TRUE(all_close(xs[i].grad(), attention_golden(c, "d_" + input_names[i]), 1e-10, 1e-10))
        << "d_" << input_names[i];
  std::vector<VariablePtr> vars = layer.weights();
  for (std::size_t i = 0; i < vars.size(); ++i)
    EXPECT_TRUE(all_close(vars[i]->value.grad(), attention_golden(c, str("d_w", i)), 1e-10, 1e-10))
        << vars[i]->path;
}

}  // namespace mz::testing
