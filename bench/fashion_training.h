// The timed training loop of W1 and W2: a model trained on Fashion-MNIST one fit() epoch at a
// time, samples/s per epoch and the test accuracy after each, printed as one CSV line.
#pragma once

#include <cstdint>
#include <vector>

#include "mz/nn/model.h"

namespace mz::bench {

// Trains `make_model()` (built after set_seed(0)) on Fashion-MNIST images shaped
// (n, *image_shape) with SGD lr 0.01 momentum 0.9, SparseCategoricalCrossentropy(from_logits),
// batch 64, for the epochs in environment variable `epochs_var` (default `default_epochs`);
// logs each epoch to stderr as "<workload> epoch ..." and prints the "train_samples_per_s" line.
void run_fashion_training(const char* workload, const char* epochs_var, int default_epochs,
                          const std::vector<int64_t>& image_shape, Sequential (*make_model)());

}  // namespace mz::bench
