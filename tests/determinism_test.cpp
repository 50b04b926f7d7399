// Determinism (reliability D1, D2): the same seed and thread count give bit-identical weights
// after an epoch, and 1 vs 2 threads give identical weights too (kernels split work by fixed
// blocks, never by the thread count).
#include "mz/mz.h"
#include "testing.h"

namespace mz {
namespace {

namespace L = layers;

// One epoch of a small MLP on synthetic data, large enough that the kernels run threaded.
std::vector<Tensor> train_one_epoch(int threads) {
  ThreadsGuard guard(threads);
  set_seed(7);
  Generator data(99);
  Tensor x = normal({512, 784}, 0.0, 1.0, {}, data);
  Tensor y = cast(uniform({512}, 0.0, 10.0, {}, data), DType::i64);
  Sequential model({Input({784}), L::Dense(256, {.activation = "relu"}), L::Dropout(0.1),
                    L::Dense(10)});
  model.compile({.optimizer = optimizers::SGD({.learning_rate = 0.01, .momentum = 0.9}),
                 .loss = losses::SparseCategoricalCrossentropy({.from_logits = true})});
  model.fit(x, y, {.batch_size = 64, .epochs = 1, .verbose = 0});
  return model.get_weights();
}

TEST(Determinism, SameSeedSameThreadsGivesIdenticalWeights) {
  std::vector<Tensor> a = train_one_epoch(1), b = train_one_epoch(1);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(testing::all_equal(a[i], b[i])) << i;
}

TEST(Determinism, OneAndTwoThreadsGiveIdenticalWeights) {
  std::vector<Tensor> a = train_one_epoch(1), b = train_one_epoch(2);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(testing::all_equal(a[i], b[i])) << i;
}

}  // namespace
}  // namespace mz
