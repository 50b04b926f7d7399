// The benchmark models of BENCHMARKS.md, built fresh (seed them first): the W1 MLP and the W2
// LeNet-5, shared by the training (W1, W2) and latency (W3) workloads.
#pragma once

#include "mz/nn/model.h"

namespace mz::bench {

// 784 -> Dense 256 relu -> Dense 128 relu -> Dense 10 (logits).
Sequential mlp();

// (28, 28, 1) -> Conv2D 6 5x5 valid relu -> MaxPooling2D 2 -> Conv2D 16 5x5 relu ->
// MaxPooling2D 2 -> Flatten (256) -> Dense 120 relu -> Dense 84 relu -> Dense 10 (logits).
Sequential lenet5();

}  // namespace mz::bench
