// Attention: conformance, values against the composition, masks, causal mask, scores, dropout,
// errors, config, the functional API and parity with Keras's computation (golden files).
#include "mz/nn/layers/attention.h"

#include "attention_golden.h"
#include "layer_conformance.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/model.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_multi_input_layer_conforms;

Tensor mask_of(const std::vector<uint8_t>& v, const Shape& s) { return tensor(v, s); }

TEST(Attention, Conforms) {
  expect_multi_input_layer_conforms([](DType dt) { return L::Attention({.dtype = dt}); },
                                    {{2, 3, 4}, {2, 5, 4}}, {2, 3, 4}, {});
  expect_multi_input_layer_conforms(
      [](DType dt) { return L::Attention({.use_scale = true, .dtype = dt}); },
      {{2, 3, 4}, {2, 5, 3}, {2, 5, 4}}, {2, 3, 3}, {{}});
  expect_multi_input_layer_conforms(
      [](DType dt) {
        return L::Attention({.use_scale = true, .score_mode = "concat", .dtype = dt});
      },
      {{2, 3, 4}, {2, 5, 4}}, {2, 3, 4}, {{}, {}});
}

TEST(Attention, DotScoresMatchComposition) {
  Tensor q = uniform({2, 3, 4}, -1, 1), v = uniform({2, 5, 3}, -1, 1),
         k = uniform({2, 5, 4}, -1, 1);
  L::Attention att;
  std::vector<Tensor> ys = att({q, v, k}, {.return_attention_scores = true});
  ASSERT_EQ(ys.size(), 2u);
  Tensor w = softmax(matmul(q, transpose(k, 1, 2)), -1);
  EXPECT_TRUE(all_close(ys[1], w, 1e-6, 1e-7));
  EXPECT_TRUE(all_close(ys[0], matmul(w, v), 1e-6, 1e-7));
  // Without a key, the value is the key.
  Tensor vv = uniform({2, 5, 4}, -1, 1);
  EXPECT_TRUE(all_close(att({q, vv})[0], matmul(softmax(matmul(q, transpose(vv, 1, 2)), -1), vv),
                        1e-6, 1e-7));
}

TEST(Attention, ConcatScoresMatchComposition) {
  Tensor q = uniform({1, 2, 3}, -1, 1), v = uniform({1, 4, 3}, -1, 1);
  L::Attention att({.use_scale = true, .score_mode = "concat"});
  att({q, v});
  att.set_weights({scalar(0.5), scalar(2.0)});
  Tensor s = 2.0 * sum(tanh(0.5 * (unsqueeze(q, 2) + unsqueeze(v, 1))), {-1});
  EXPECT_TRUE(all_close(att({q, v})[0], matmul(softmax(s, -1), v), 1e-6, 1e-7));
}

TEST(Attention, ValueMaskHidesPaddedStepsAndQueryMaskZeroesRows) {
  Tensor q = uniform({1, 2, 3}, -1, 1), v = uniform({1, 4, 3}, -1, 1);
  Tensor q_mask = mask_of({1, 0}, {1, 2}), v_mask = mask_of({1, 1, 0, 0}, {1, 4});
  L::Attention att;
  std::vector<Tensor> ys = att({q, v}, {.mask = {q_mask, v_mask}, .return_attention_scores = true});
  std::vector<double> w = ys[1].to(DType::f64).to_vector<double>();
  EXPECT_NEAR(w[2] + w[3] + w[6] + w[7], 0.0, 1e-12);  // padded value steps get no weight
  Tensor expected =
      matmul(softmax(matmul(q, transpose(v, 1, 2)) -
                         (1.0 - tensor(std::vector<float>{1, 1, 0, 0}, {1, 1, 4})) * 1e9,
                     -1),
             v);
  EXPECT_TRUE(all_close(ys[0], expected * tensor(std::vector<float>{1, 0}, {1, 2, 1}), 1e-6, 1e-7));
  std::vector<float> out = ys[0].to_vector<float>();
  EXPECT_EQ(out[3] + out[4] + out[5], 0.0f);  // the padded query step is zero
  // The output mask is the query mask.
  std::vector<Tensor> out_masks;
  att.call_with_masks({q, v}, {q_mask, v_mask}, false, &out_masks);
  ASSERT_EQ(out_masks.size(), 1u);
  EXPECT_TRUE(testing::all_equal(out_masks[0], q_mask));
}

TEST(Attention, CausalMaskSeesOnlyThePast) {
  Tensor q = uniform({2, 4, 3}, -1, 1);
  L::Attention att;
  std::vector<Tensor> ys = att({q, q}, {.return_attention_scores = true, .use_causal_mask = true});
  std::vector<float> w = ys[1].to_vector<float>();
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 4; ++i)
      for (int j = i + 1; j < 4; ++j)
        EXPECT_EQ(w[static_cast<std::size_t>((b * 4 + i) * 4 + j)], 0.0f);
  // Step 0 attends only to itself: its output is value step 0.
  std::vector<float> out = ys[0].to_vector<float>(), x = q.to_vector<float>();
  for (int d = 0; d < 3; ++d)
    EXPECT_NEAR(out[static_cast<std::size_t>(d)], x[static_cast<std::size_t>(d)], 1e-6);
}

TEST(Attention, DropoutActsOnTheWeightsInTrainingOnly) {
  Tensor q = uniform({2, 6, 3}, -1, 1), v = uniform({2, 8, 3}, -1, 1);
  L::Attention att({.dropout = 0.5, .seed = 7});
  std::vector<Tensor> plain = att({q, v}, {.return_attention_scores = true});
  std::vector<Tensor> inference = att({q, v}, {.training = false, .return_attention_scores = true});
  EXPECT_TRUE(testing::all_equal(plain[1], inference[1]));
  std::vector<Tensor> trained = att({q, v}, {.training = true, .return_attention_scores = true});
  std::vector<float> a = plain[1].to_vector<float>(), b = trained[1].to_vector<float>();
  int zeros = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (b[i] == 0.0f) {
      ++zeros;
    } else {
      EXPECT_NEAR(b[i], 2.0f * a[i], 1e-6f);  // kept weights are scaled by 1 / (1 - rate)
    }
  }
  EXPECT_GT(zeros, 20);
  EXPECT_LT(zeros, 76);
  EXPECT_TRUE(all_close(trained[0], matmul(trained[1], v), 1e-6, 1e-7));
}

TEST(Attention, RejectsBadInputsWithClearMessages) {
  clear_session();
  L::Attention att;
  MZ_EXPECT_THROW_MSG(att({zeros({2, 3, 4})}), ValueError,
                      "Attention 'attention': takes a list of inputs [query, value] or [query, "
                      "value, key]: expected 2 or 3 inputs, got 1.");
  att({zeros({2, 3, 4}), zeros({2, 5, 4})});
  MZ_EXPECT_THROW_MSG(att(zeros({2, 3, 4})), ValueError,
                      "Attention 'attention': takes a list of inputs [query, value] or [query, "
                      "value, key]: expected 2 or 3 inputs, got one tensor (2, 3, 4).");
  MZ_EXPECT_THROW_MSG(att({zeros({2, 3, 4}), zeros({2, 5, 4}), zeros({2, 5, 4}), zeros({2, 5, 4})}),
                      ValueError, "expected 2 or 3 inputs, got 4.");
  MZ_EXPECT_THROW_MSG(L::Attention({.name = "a"})({zeros({2, 3, 4}), zeros({2, 5, 3})}), ShapeError,
                      "Attention 'a': query and key must have the same last dimension: expected 4 "
                      "(query (None, 3, 4)), got 3 (value (the key) (None, 5, 3)).");
  MZ_EXPECT_THROW_MSG(
      L::Attention({.name = "a"})({zeros({2, 3, 4}), zeros({2, 5, 3}), zeros({2, 6, 4})}),
      ShapeError,
      "Attention 'a': key and value must have the same number of steps: expected 5 (value (None, "
      "5, 3)), got 6 (key (None, 6, 4)).");
  MZ_EXPECT_THROW_MSG(L::Attention({.name = "a"})({zeros({2, 4}), zeros({2, 4})}), ShapeError,
                      "Attention 'a': query must have rank 3: expected (batch, Tq, dim), got "
                      "(None, 4).");
  MZ_EXPECT_THROW_MSG(L::Attention({.score_mode = "add", .name = "a"}), ValueError,
                      "Attention 'a': unknown score_mode: expected one of \"dot\", \"concat\"; "
                      "got \"add\".");
  MZ_EXPECT_THROW_MSG(
      L::Attention({.dropout = 1.0, .name = "a"}), ValueError,
      "Attention 'a': dropout must be in [0, 1): expected 0 <= dropout < 1, got 1.");
  L::Attention b({.name = "b"});
  MZ_EXPECT_THROW_MSG(b({zeros({2, 3, 4}), zeros({2, 5, 4})}, {.mask = {Tensor()}}), ValueError,
                      "Attention 'b': mask must be a list [query_mask, value_mask] or "
                      "[query_mask, value_mask, key_mask]: expected 2 or 3 masks, got 1.");
  MZ_EXPECT_THROW_MSG(
      b({zeros({2, 3, 4}), zeros({2, 5, 4})}, {.mask = {Tensor(), mask_of({1, 1, 1}, {1, 3})}}),
      ShapeError,
      "Attention 'b': the value mask must be (batch, Tv): expected (2, 5), got (1, 3).");
}

TEST(Attention, ConfigMatchesKeras) {
  L::Attention att({.use_scale = true, .score_mode = "concat", .dropout = 0.1, .name = "att"});
  Json expected = Json::parse(R"({
    "name": "att", "trainable": true,
    "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": null},
    "use_scale": true, "score_mode": "concat", "dropout": 0.1})");
  EXPECT_EQ(att.config(), expected) << att.config().dump(2);
  std::shared_ptr<L::Attention> back = L::Attention::from_config(expected);
  EXPECT_EQ(back->config(), expected);
  // Keras's defaults.
  Json d = L::Attention().config();
  EXPECT_EQ(d["use_scale"], false);
  EXPECT_EQ(d["score_mode"], "dot");
  EXPECT_EQ(d["dropout"], 0.0);
}

TEST(Attention, WorksInAFunctionalModelWithMasks) {
  KerasTensor q = Input({3, 4}), v = Input({5, 4});
  KerasTensor y = L::Attention()(std::vector<KerasTensor>{q, v}).at(0);
  EXPECT_EQ(y.shape(), Shape({-1, 3, 4}));
  Model model({q, v}, y);
  Tensor xq = uniform({2, 3, 4}, -1, 1), xv = uniform({2, 5, 4}, -1, 1);
  Tensor out = model.predict_on_batch({xq, xv});
  EXPECT_TRUE(all_close(out, L::Attention()({xq, xv})[0], 1e-6, 1e-7));
}

TEST(Attention, MatchesKerasGolden) {
  L::Attention dot({.use_scale = true, .dtype = DType::f64});
  Tensor qm = testing::attention_golden("att_dot", "query_mask");
  Tensor vm = testing::attention_golden("att_dot", "value_mask");
  testing::expect_attention_golden(
      dot, "att_dot", {"query", "value", "key"}, [&](const std::vector<Tensor>& xs) {
        return dot(xs,
                   {.mask = {qm, vm}, .return_attention_scores = true, .use_causal_mask = true});
      });
  L::Attention concat({.use_scale = true, .score_mode = "concat", .dtype = DType::f64});
  Tensor cm = testing::attention_golden("att_concat", "value_mask");
  testing::expect_attention_golden(
      concat, "att_concat", {"query", "value"}, [&](const std::vector<Tensor>& xs) {
        return concat(xs, {.mask = {Tensor(), cm}, .return_attention_scores = true});
      });
}

}  // namespace
}  // namespace mz
