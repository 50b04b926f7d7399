// W2 — CNN training: LeNet-5 (models.h) on Fashion-MNIST (28, 28, 1), pixels/255,
// SparseCategoricalCrossentropy(from_logits), SGD lr 0.01 momentum 0.9, batch 64, W2_EPOCHS
// epochs (default 3). Each epoch is one fit() call with a fresh seeded shuffle inside the timed
// region; test accuracy is measured after each epoch, outside it.
#include "bench/bench_common.h"
#include "bench/fashion_training.h"
#include "bench/models.h"

namespace mz::bench {

void run_w2() { run_fashion_training("W2", "W2_EPOCHS", 3, {28, 28, 1}, lenet5); }

}  // namespace mz::bench
