// AdditiveAttention: conformance, values against the composition, masks, errors, config and
// parity with Keras's computation (golden files).
#include "mz/nn/layers/additive_attention.h"

#include "attention_golden.h"
#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_multi_input_layer_conforms;

TEST(AdditiveAttention, Conforms) {
  expect_multi_input_layer_conforms([](DType dt) { return L::AdditiveAttention({.dtype = dt}); },
                                    {{2, 3, 4}, {2, 5, 4}}, {2, 3, 4}, {{4}});
  expect_multi_input_layer_conforms(
      [](DType dt) { return L::AdditiveAttention({.use_scale = false, .dtype = dt}); },
      {{2, 3, 4}, {2, 5, 3}, {2, 5, 4}}, {2, 3, 3}, {});
}

TEST(AdditiveAttention, ScoresAreScaledTanhOfSums) {
  Tensor q = uniform({2, 3, 4}, -1, 1), v = uniform({2, 5, 4}, -1, 1);
  L::AdditiveAttention att;
  att({q, v});
  Tensor scale = tensor(std::vector<float>{0.5f, -1.0f, 2.0f, 0.25f}, {4});
  att.set_weights({scale});
  std::vector<Tensor> ys = att({q, v}, {.return_attention_scores = true});
  Tensor s = sum(scale * tanh(unsqueeze(q, 2) + unsqueeze(v, 1)), {-1});
  EXPECT_TRUE(all_close(ys[1], softmax(s, -1), 1e-6, 1e-7));
  EXPECT_TRUE(all_close(ys[0], matmul(softmax(s, -1), v), 1e-6, 1e-7));
  EXPECT_EQ(att.scale()->path, att.name() + "/scale");
}

TEST(AdditiveAttention, MasksAsAttention) {
  Tensor q = uniform({1, 2, 3}, -1, 1), v = uniform({1, 3, 3}, -1, 1);
  L::AdditiveAttention att;
  std::vector<Tensor> ys = att({q, v}, {.mask = {tensor(std::vector<uint8_t>{0, 1}, {1, 2}),
                                                 tensor(std::vector<uint8_t>{1, 0, 1}, {1, 3})},
                                        .return_attention_scores = true});
  std::vector<float> w = ys[1].to_vector<float>(), out = ys[0].to_vector<float>();
  EXPECT_EQ(w[1], 0.0f);
  EXPECT_EQ(w[4], 0.0f);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[2], 0.0f);
}

TEST(AdditiveAttention, RejectsBadInputsWithClearMessages) {
  L::AdditiveAttention att({.name = "add"});
  att({zeros({2, 3, 4}), zeros({2, 5, 4})});
  MZ_EXPECT_THROW_MSG(att({zeros({2, 3, 6}), zeros({2, 5, 6})}), ShapeError,
                      "AdditiveAttention 'add': query last dimension is 6, but the layer was "
                      "built for 4 (scale (4,)).");
  MZ_EXPECT_THROW_MSG(att({zeros({2, 3, 4}), zeros({3, 5, 4})}), ShapeError,
                      "AdditiveAttention 'add': inputs must have the same batch size: expected 2 "
                      "(query (2, 3, 4)), got 3 (value (3, 5, 4)).");
}

TEST(AdditiveAttention, ConfigMatchesKeras) {
  L::AdditiveAttention att({.dropout = 0.25, .name = "add"});
  Json expected = Json::parse(R"({
    "name": "add", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "use_scale": true, "dropout": 0.25})");
  EXPECT_EQ(att.config(), expected) << att.config().dump(2);
  EXPECT_EQ(L::AdditiveAttention::from_config(expected)->config(), expected);
  EXPECT_EQ(L::AdditiveAttention::from_config(Json::parse(R"({"name": "x"})"))->use_scale(), true);
}

TEST(AdditiveAttention, MatchesKerasGolden) {
  L::AdditiveAttention att({.dtype = DType::f64});
  Tensor qm = testing::attention_golden("additive", "query_mask");
  Tensor vm = testing::attention_golden("additive", "value_mask");
  testing::expect_attention_golden(
      att, "additive", {"query", "value", "key"}, [&](const std::vector<Tensor>& xs) {
        return att(xs, {.mask = {qm, vm}, .return_attention_scores = true});
      });
}

}  // namespace
}  // namespace mz
