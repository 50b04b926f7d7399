// Random tensors from an explicit Generator (the default one unless given). Values are drawn
// in row-major order on the host, so a seed gives the same tensor on every backend.
#pragma once

#include "mz/core/generator.h"
#include "mz/core/tensor.h"

namespace mz {

// Uniform in [low, high).
Tensor uniform(const Shape& shape, double low = 0.0, double high = 1.0, TensorOptions options = {},
               Generator& gen = default_generator());
Tensor normal(const Shape& shape, double mean = 0.0, double stddev = 1.0,
              TensorOptions options = {}, Generator& gen = default_generator());
// Normal, redrawn while more than two standard deviations from the mean (Keras's rule).
Tensor truncated_normal(const Shape& shape, double mean = 0.0, double stddev = 1.0,
                        TensorOptions options = {}, Generator& gen = default_generator());
// 1 with probability p, else 0.
Tensor bernoulli(const Shape& shape, double p, TensorOptions options = {},
                 Generator& gen = default_generator());
// A random permutation of 0..n-1 (int64), Fisher–Yates.
Tensor permutation(int64_t n, Generator& gen = default_generator());

// Inverted dropout: in training, zeroes each element with probability `rate` and scales the
// rest by 1 / (1 - rate); the identity when !training or rate == 0.
Tensor dropout(const Tensor& x, double rate, bool training = true,
               Generator& gen = default_generator());

}  // namespace mz
