// Internal helpers shared by the model files: argument checks, reading a loss, and the
// serialization pieces of Sequential and functional configs.
#pragma once

#include <string>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"

namespace mz {
class Layer;
class Model;
}

namespace mz::detail {

// Throws ValueError "<who>: x has N samples but y has M." (and the like for a missing batch
// dimension or a sample_weight of the wrong length).
void check_same_samples(const char* who, const Tensor& x, const Tensor& y,
                        const Tensor& sample_weight);
// Throws ValueError unless compile() was called.
void check_compiled(const Model& model, const char* who);
// Throws ValueError unless batch_size > 0.
void check_batch_size(const char* who, int64_t batch_size);
// The value of a one-element tensor, read in place on the host (no allocation).
double scalar_value(const Tensor& t);
// Keras's shape text: "(None, 784)".
std::string keras_shape(const Shape& shape);
// A shape as a JSON list, null for an unknown dimension: [null, 784].
Json shape_json(const Shape& shape);
// Keras's serialize_keras_object for a layer: {"module", "class_name", "config",
// "registered_name", "build_config"} (build_config only for layers built from a shape).
Json serialize_layer(const Layer& layer);

}  // namespace mz::detail
