// Fashion-MNIST for the training workloads (W1, W2): float pixels and int64 labels, and the
// test accuracy of a model's logits.
#pragma once

#include <cstdint>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/model.h"

namespace mz::bench {

struct FashionFloats {
  Tensor x_train, y_train, x_test, y_test;
};

// Reads FMNIST_DIR (default /usr/share/datasets/fashion-mnist): images as float32 pixels/255
// shaped (n, *image_shape), labels int64 (n,).
FashionFloats load_fashion_floats(const std::vector<int64_t>& image_shape);

// Fraction of rows of x whose largest logit is at the label y, in inference mode.
double accuracy(Model& model, const Tensor& x, const Tensor& y);

}  // namespace mz::bench
