// W1 — MLP training: Fashion-MNIST, pixels/255, 784 -> Dense 256 relu -> Dense 128 relu ->
// Dense 10, SparseCategoricalCrossentropy(from_logits), SGD lr 0.01 momentum 0.9, batch 64,
// W1_EPOCHS epochs (default 5). Each epoch is one fit() call with a fresh seeded shuffle inside
// the timed region; test accuracy is measured after each epoch, outside it.
#include "bench/bench_common.h"
#include "bench/fashion_training.h"
#include "bench/models.h"

namespace mz::bench {

void run_w1() { run_fashion_training("W1", "W1_EPOCHS", 5, {784}, mlp); }

}  // namespace mz::bench
