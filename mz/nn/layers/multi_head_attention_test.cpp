// MultiHeadAttention: conformance (standard, no bias with a key and output_shape, other
// attention axes), weights, masks, causal mask, dropout, errors, config, the functional API and
// parity with Keras's computation and torch's multi-head attention (golden files).
#include "mz/nn/layers/multi_head_attention.h"

#include "attention_golden.h"
#include "layer_conformance.h"
#include "mz/nn/layers/embedding.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_multi_input_layer_conforms;

Tensor mask_of(const std::vector<uint8_t>& v, const Shape& s) { return tensor(v, s); }

TEST(MultiHeadAttention, Conforms) {
  expect_multi_input_layer_conforms(
      [](DType dt) { return L::MultiHeadAttention(2, 2, {.dtype = dt}); }, {{1, 2, 3}, {1, 3, 2}},
      {1, 2, 3}, {{3, 2, 2}, {2, 2}, {2, 2, 2}, {2, 2}, {2, 2, 2}, {2, 2}, {2, 2, 3}, {3}});
  expect_multi_input_layer_conforms(
      [](DType dt) {
        return L::MultiHeadAttention(
            1, 2, {.value_dim = 3, .use_bias = false, .output_shape = {2}, .dtype = dt});
      },
      {{1, 2, 3}, {1, 3, 2}, {1, 3, 3}}, {1, 2, 2}, {{3, 1, 2}, {3, 1, 2}, {2, 1, 3}, {1, 3, 2}});
  expect_multi_input_layer_conforms(
      [](DType dt) { return L::MultiHeadAttention(2, 1, {.attention_axes = {2}, .dtype = dt}); },
      {{1, 2, 2, 3}, {1, 2, 3, 3}}, {1, 2, 2, 3},
      {{3, 2, 1}, {2, 1}, {3, 2, 1}, {2, 1}, {3, 2, 1}, {2, 1}, {2, 1, 3}, {3}});
}

TEST(MultiHeadAttention, WeightsAreKerasEinsumDenseSublayers) {
  L::MultiHeadAttention mha(2, 3, {.name = "mha"});
  mha({zeros({1, 3, 4}), zeros({1, 5, 6})});
  std::vector<std::string> paths;
  for (const VariablePtr& v : mha.weights()) paths.push_back(v->path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"mha/query/kernel", "mha/query/bias", "mha/key/kernel",
                                      "mha/key/bias", "mha/value/kernel", "mha/value/bias",
                                      "mha/attention_output/kernel", "mha/attention_output/bias"}));
  EXPECT_EQ(mha.weights()[0]->name, "kernel");
  EXPECT_EQ(mha.attention_axes(), std::vector<int>{1});
  EXPECT_EQ(mha.value_dim(), 3);
}

TEST(MultiHeadAttention, ScoresHaveKerasShapeAndRowsSumToOne) {
  L::MultiHeadAttention mha(3, 2);
  std::vector<Tensor> ys = mha({uniform({2, 4, 5}, -1, 1), uniform({2, 6, 5}, -1, 1)},
                               {.return_attention_scores = true});
  ASSERT_EQ(ys.size(), 2u);
  EXPECT_EQ(ys[0].shape(), Shape({2, 4, 5}));
  EXPECT_EQ(ys[1].shape(), Shape({2, 3, 4, 6}));
  EXPECT_TRUE(all_close(sum(ys[1], {-1}), ones({2, 3, 4}), 1e-6, 1e-6));
  EXPECT_EQ(mha.compute_output_shapes({{-1, 4, 5}, {-1, 6, 5}}).at(0), Shape({-1, 4, 5}));
}

TEST(MultiHeadAttention, MasksCombineAsKeras) {
  Tensor q = uniform({2, 3, 4}, -1, 1), v = uniform({2, 4, 4}, -1, 1);
  Tensor q_mask = mask_of({1, 1, 0, 1, 1, 1}, {2, 3});
  Tensor v_mask = mask_of({1, 0, 1, 1, 1, 1, 1, 0}, {2, 4});
  L::MultiHeadAttention mha(2, 2);
  std::vector<Tensor> ys = mha({q, v}, {.query_mask = q_mask,
                                        .value_mask = v_mask,
                                        .return_attention_scores = true,
                                        .use_causal_mask = true});
  std::vector<float> s = ys[1].to_vector<float>();  // (2, 2, 3, 4)
  std::vector<uint8_t> qm = q_mask.to_vector<uint8_t>(), vm = v_mask.to_vector<uint8_t>();
  for (int b = 0; b < 2; ++b)
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < 3; ++i) {
        // A masked query step masks its whole row; Keras then softmaxes the row as it is.
        if (!qm[static_cast<std::size_t>(b * 3 + i)]) continue;
        float row = 0;
        for (int j = 0; j < 4; ++j) {
          float w = s[static_cast<std::size_t>(((b * 2 + h) * 3 + i) * 4 + j)];
          bool visible = vm[static_cast<std::size_t>(b * 4 + j)] && j <= i;
          if (!visible) {
            EXPECT_EQ(w, 0.0f) << b << h << i << j;
          }
          row += w;
        }
        EXPECT_NEAR(row, 1.0f, 1e-5);
      }
  // The same masks through call_with_masks (as a functional graph passes them); the output
  // mask is the query's.
  std::vector<Tensor> out_masks;
  std::vector<Tensor> again = mha.call_with_masks({q, v}, {q_mask, v_mask}, false, &out_masks);
  EXPECT_TRUE(testing::all_equal(out_masks.at(0), q_mask));
  std::vector<Tensor> explicit_mask =
      mha({q, v}, {.attention_mask = unsqueeze(q_mask, 2) * unsqueeze(v_mask, 1)});
  EXPECT_TRUE(all_close(again[0], explicit_mask[0], 1e-6, 1e-7));
}

TEST(MultiHeadAttention, DropoutActsOnScoresInTrainingOnly) {
  Tensor q = uniform({2, 5, 4}, -1, 1);
  L::MultiHeadAttention mha(2, 2, {.dropout = 0.5, .seed = 3});
  std::vector<Tensor> a = mha({q, q}, {.return_attention_scores = true});
  std::vector<Tensor> b = mha({q, q}, {.return_attention_scores = true, .training = true});
  EXPECT_TRUE(testing::all_equal(a[1], b[1]));  // Keras returns the scores before dropout
  EXPECT_FALSE(all_close(a[0], b[0], 1e-4, 1e-4));
  EXPECT_TRUE(testing::all_equal(mha({q, q})[0], a[0]));
}

TEST(MultiHeadAttention, RejectsBadInputsWithClearMessages) {
  clear_session();
  L::MultiHeadAttention mha(2, 2);
  MZ_EXPECT_THROW_MSG(mha(zeros({2, 3, 4})), ValueError,
                      "MultiHeadAttention 'multi_head_attention': takes a list of inputs [query, "
                      "value] or [query, value, key]: expected 2 or 3 inputs, got 1.");
  mha({zeros({2, 3, 4}), zeros({2, 5, 4})});
  MZ_EXPECT_THROW_MSG(mha(zeros({2, 3, 4})), ValueError,
                      "MultiHeadAttention 'multi_head_attention': takes a list of inputs [query, "
                      "value] or [query, value, key]: expected 2 or 3 inputs, got one tensor "
                      "(2, 3, 4).");
  MZ_EXPECT_THROW_MSG(L::MultiHeadAttention(2, 2, {.name = "m"})({zeros({2, 4}), zeros({2, 4})}),
                      ShapeError,
                      "MultiHeadAttention 'm': query must have rank >= 3: expected (batch, "
                      "Tq..., dim), got (None, 4).");
  MZ_EXPECT_THROW_MSG(
      L::MultiHeadAttention(2, 2,
                            {.name = "m"})({zeros({2, 3, 4}), zeros({2, 5, 4}), zeros({2, 6, 4})}),
      ShapeError,
      "MultiHeadAttention 'm': value and key must have the same dimensions except the last one: "
      "got value (None, 5, 4) and key (None, 6, 4).");
  MZ_EXPECT_THROW_MSG(
      L::MultiHeadAttention(
          2, 2, {.attention_axes = {2}, .name = "m"})({zeros({2, 3, 4}), zeros({2, 5, 4})}),
      ValueError,
      "MultiHeadAttention 'm': attention_axes must name axes between the batch and the feature "
      "ones: expected axes in 1..1 (or -2..-2) for query (None, 3, 4), got 2.");
  MZ_EXPECT_THROW_MSG(L::MultiHeadAttention(2, 2, {.attention_axes = {2, -2}, .name = "m"})(
                          {zeros({2, 3, 4, 4}), zeros({2, 3, 5, 4})}),
                      ValueError,
                      "MultiHeadAttention 'm': attention_axes names axis 2 twice, got [2,-2].");
  MZ_EXPECT_THROW_MSG(L::MultiHeadAttention(0, 2, {.name = "m"}), ValueError,
                      "MultiHeadAttention 'm': num_heads must be positive: expected num_heads >= "
                      "1, got 0.");
  L::MultiHeadAttention m(2, 2, {.name = "m"});
  m({zeros({2, 3, 4}), zeros({2, 5, 4})});
  MZ_EXPECT_THROW_MSG(m({zeros({2, 3, 8}), zeros({2, 5, 4})}), ShapeError,
                      "MultiHeadAttention 'm': query last dimension is 8, but the layer was built "
                      "for 4 (query/kernel (4, 2, 2)).");
  MZ_EXPECT_THROW_MSG(
      m({zeros({2, 3, 4}), zeros({2, 5, 4})}, {.attention_mask = zeros({2, 5, 3})}), ShapeError,
      "MultiHeadAttention 'm': the attention mask does not fit the attention scores: expected a "
      "shape broadcastable to (2, 2, 3, 5) (batch, heads, Tq, Tk), got (2, 5, 3).");
  MZ_EXPECT_THROW_MSG(
      m({zeros({2, 3, 4}), zeros({2, 5, 4})}, {.value_mask = mask_of({1, 1}, {1, 2})}), ShapeError,
      "MultiHeadAttention 'm': the value mask must be the value's shape without its last axis: "
      "expected (2, 5), got (1, 2).");
}

TEST(MultiHeadAttention, ConfigMatchesKeras) {
  L::MultiHeadAttention mha(4, 16, {.dropout = 0.1, .output_shape = {8}, .name = "mha"});
  Json expected = Json::parse(R"({
    "name": "mha", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "num_heads": 4, "key_dim": 16, "value_dim": 16, "dropout": 0.1, "use_bias": true,
    "output_shape": [8], "attention_axes": null,
    "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                           "config": {"seed": null}, "registered_name": null},
    "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {},
                         "registered_name": null},
    "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
    "kernel_constraint": null, "bias_constraint": null, "seed": null})");
  EXPECT_EQ(mha.config(), expected) << mha.config().dump(2);
  // As Keras 3 writes it after build (attention_axes resolved), with an int output_shape.
  Json keras = expected;
  keras["name"] = "multi_head_attention_3";
  keras["attention_axes"] = Json::array({1});
  keras["output_shape"] = 8;
  keras["value_dim"] = 8;
  std::shared_ptr<L::MultiHeadAttention> m = L::MultiHeadAttention::from_config(keras);
  EXPECT_EQ(m->name(), "multi_head_attention_3");
  EXPECT_EQ(m->value_dim(), 8);
  EXPECT_EQ(m->config()["output_shape"], Json::array({8}));
  EXPECT_EQ(m->config()["attention_axes"], Json::array({1}));
  (*m)({zeros({1, 2, 6}), zeros({1, 3, 6})});
  EXPECT_EQ(m->weights()[6]->value.shape(), Shape({4, 8, 8}));
}

TEST(MultiHeadAttention, SelfAttentionInAFunctionalModel) {
  KerasTensor x = Input({4, 6});
  auto shared = std::make_shared<L::MultiHeadAttention>(2, 3);
  KerasTensor y = (*shared)(std::vector<KerasTensor>{x, x}).at(0);
  EXPECT_EQ(y.shape(), Shape({-1, 4, 6}));
  Model model(x, y);
  Tensor in = uniform({3, 4, 6}, -1, 1);
  EXPECT_TRUE(all_close(model.predict_on_batch(in), (*shared)({in, in})[0], 1e-6, 1e-7));
}

TEST(MultiHeadAttention, TakesMasksFromAFunctionalGraph) {
  // Embedding(mask_zero) -> self-attention: the padding mask reaches the query and the value.
  KerasTensor ids = Input({4}, {.dtype = DType::i64});
  auto embed = std::make_shared<L::Embedding>(10, 6, L::EmbeddingOptions{.mask_zero = true});
  auto mha = std::make_shared<L::MultiHeadAttention>(2, 3);
  KerasTensor e = (*embed)(ids);
  KerasTensor y = (*mha)(std::vector<KerasTensor>{e, e}).at(0);
  Model model(ids, y);
  Tensor x = tensor(std::vector<int64_t>{3, 5, 0, 0, 7, 1, 2, 0}, {2, 4});
  Tensor mask = tensor(std::vector<uint8_t>{1, 1, 0, 0, 1, 1, 1, 0}, {2, 4});
  Tensor ex = (*embed)(x);
  Tensor expected = (*mha)({ex, ex}, {.query_mask = mask, .value_mask = mask})[0];
  EXPECT_TRUE(all_close(model.predict_on_batch(x), expected, 1e-6, 1e-7));
  EXPECT_FALSE(all_close((*mha)({ex, ex})[0], expected, 1e-4, 1e-4));
}

TEST(MultiHeadAttention, MatchesKerasAndTorchGolden) {
  using testing::attention_golden;
  const DType f64 = DType::f64;
  {
    L::MultiHeadAttention mha(2, 3, {.value_dim = 2, .dtype = f64});
    testing::expect_attention_golden(
        mha, "mha_plain", {"query", "value", "key"},
        [&](const std::vector<Tensor>& xs) { return mha(xs, {.return_attention_scores = true}); });
  }
  {
    L::MultiHeadAttention mha(2, 2, {.dtype = f64});
    L::MultiHeadAttentionCallOptions o{
        .query_mask = attention_golden("mha_masked", "query_mask"),
        .value_mask = attention_golden("mha_masked", "value_mask"),
        .attention_mask = attention_golden("mha_masked", "attention_mask"),
        .return_attention_scores = true,
        .use_causal_mask = true};
    testing::expect_attention_golden(mha, "mha_masked", {"query", "value"},
                                     [&](const std::vector<Tensor>& xs) { return mha(xs, o); });
  }
  {
    L::MultiHeadAttention mha(2, 2,
                              {.value_dim = 3,
                               .use_bias = false,
                               .output_shape = {2, 3},
                               .attention_axes = {-2},
                               .dtype = f64});
    testing::expect_attention_golden(
        mha, "mha_axes", {"query", "value"},
        [&](const std::vector<Tensor>& xs) { return mha(xs, {.return_attention_scores = true}); });
  }
  {
    L::MultiHeadAttention mha(3, 2, {.dtype = f64});
    testing::expect_attention_golden(
        mha, "mha_axes2", {"query", "value"},
        [&](const std::vector<Tensor>& xs) { return mha(xs, {.return_attention_scores = true}); });
  }
  {
    L::MultiHeadAttention mha(2, 2, {.dtype = f64});
    Tensor vm = attention_golden("mha_torch", "value_mask");
    testing::expect_attention_golden(
        mha, "mha_torch", {"query", "value", "key"}, [&](const std::vector<Tensor>& xs) {
          return mha(xs,
                     {.value_mask = vm, .return_attention_scores = true, .use_causal_mask = true});
        });
  }
}

}  // namespace
}  // namespace mz
