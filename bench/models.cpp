// The benchmark models (models.h).
#include "bench/models.h"

#include "mz/nn/layers/conv2d.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/flatten.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/max_pooling2d.h"

namespace mz::bench {

namespace L = mz::layers;

Sequential mlp() {
  return Sequential({Input({784}), L::Dense(256, {.activation = "relu"}),
                     L::Dense(128, {.activation = "relu"}), L::Dense(10)});
}

Sequential lenet5() {
  return Sequential({Input({28, 28, 1}), L::Conv2D(6, 5, {.activation = "relu"}),
                     L::MaxPooling2D({.pool_size = {2}}), L::Conv2D(16, 5, {.activation = "relu"}),
                     L::MaxPooling2D({.pool_size = {2}}), L::Flatten(),
                     L::Dense(120, {.activation = "relu"}), L::Dense(84, {.activation = "relu"}),
                     L::Dense(10)});
}

}  // namespace mz::bench
