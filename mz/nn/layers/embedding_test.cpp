// Embedding: conformance, the lookup, integer and float indices, mask_zero masks, the
// gradient reaching only the rows used, Keras's config, and out-of-range indices.
#include "mz/nn/layers/embedding.h"

#include "layer_conformance.h"
#include "mz/ops/ops.h"

namespace mz {
namespace {

namespace L = layers;
using testing::all_close;
using testing::expect_layer_conforms;

TEST(Embedding, Conforms) {
  // The harness feeds floats in [-1, 1): they truncate to index 0.
  expect_layer_conforms([](DType dt) { return L::Embedding(6, 3, {.dtype = dt}); }, {2, 4},
                        {2, 4, 3}, {{6, 3}});
  expect_layer_conforms(
      [](DType dt) { return L::Embedding(5, 2, {.mask_zero = true, .dtype = dt}); }, {3, 2},
      {3, 2, 2}, {{5, 2}});
}

TEST(Embedding, LooksUpRows) {
  L::Embedding emb(4, 2);
  emb.maybe_build({Shape{-1, 3}});
  emb.set_weights({tensor(std::vector<float>{0, 1, 10, 11, 20, 21, 30, 31}, {4, 2})});
  for (DType dt : {DType::i32, DType::i64, DType::u8, DType::f32}) {
    Tensor idx = tensor(std::vector<int64_t>{3, 0, 2, 1, 1, 3}, {2, 3}).to(dt);
    Tensor y = emb(idx);
    EXPECT_EQ(y.shape(), Shape({2, 3, 2}));
    EXPECT_EQ(y.to_vector<float>(),
              (std::vector<float>{30, 31, 0, 1, 20, 21, 10, 11, 10, 11, 30, 31}))
        << dtype_name(dt);
  }
  EXPECT_EQ(emb.compute_output_shape({-1, 7}), Shape({-1, 7, 2}));
}

TEST(Embedding, DefaultsAreKeras) {
  L::Embedding emb(50, 8);
  emb(tensor(std::vector<int64_t>{1, 2}, {1, 2}));
  EXPECT_EQ(emb.weights()[0]->name, "embeddings");
  std::vector<float> w = emb.embeddings()->value.to_vector<float>();
  for (float v : w) EXPECT_TRUE(v >= -0.05f && v < 0.05f) << v;
  Json c = emb.config();
  EXPECT_EQ(c["embeddings_initializer"]["class_name"], "RandomUniform");
  EXPECT_EQ(c["embeddings_initializer"]["config"]["minval"], -0.05);
  EXPECT_EQ(c["mask_zero"], false);
  EXPECT_EQ(c["input_dim"], 50);
  EXPECT_TRUE(c.contains("activity_regularizer"));
  EXPECT_FALSE(emb.supports_masking());
}

TEST(Embedding, MaskZeroMasksPadding) {
  L::Embedding emb(5, 2, {.mask_zero = true});
  Tensor idx = tensor(std::vector<int32_t>{4, 2, 0, 0, 1, 0}, {2, 3});
  std::vector<Tensor> masks;
  emb.call_with_masks({idx}, {Tensor()}, false, &masks);
  ASSERT_EQ(masks.size(), 1u);
  EXPECT_EQ(masks[0].dtype(), DType::u8);
  EXPECT_EQ(masks[0].to_vector<int>(), (std::vector<int>{1, 1, 0, 0, 1, 0}));
  EXPECT_TRUE(emb.supports_masking());
}

TEST(Embedding, GradientReachesTheRowsUsed) {
  L::Embedding emb(4, 2);
  Tensor y = emb(tensor(std::vector<int64_t>{1, 1, 3}, {1, 3}));
  sum(y).backward();
  EXPECT_EQ(emb.embeddings()->value.grad().to_vector<float>(),
            (std::vector<float>{0, 0, 2, 2, 0, 0, 1, 1}));
}

TEST(Embedding, RejectsBadIndicesAndSizes) {
  L::Embedding emb(10, 2, {.name = "words"});
  MZ_EXPECT_THROW_MSG(emb(tensor(std::vector<int64_t>{1, 2, 3, 4, 5, 12}, {2, 3})), ValueError,
                      "Embedding 'words': index 12 at position (1, 2) is out of range: expected "
                      "0 <= index < 10 (input_dim).");
  MZ_EXPECT_THROW_MSG(emb(tensor(std::vector<int64_t>{-1}, {1, 1})), ValueError,
                      "Embedding 'words': index -1 at position (0, 0) is out of range");
  MZ_EXPECT_THROW_MSG(L::Embedding(0, 2, {.name = "e"}), ValueError,
                      "Embedding 'e': input_dim must be positive: expected input_dim >= 1, got 0.");
}

}  // namespace
}  // namespace mz
