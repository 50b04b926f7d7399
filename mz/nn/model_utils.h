// Internal helpers shared by model.cpp and training.cpp: argument checks and reading a loss.
#pragma once

#include "mz/core/tensor.h"

namespace mz {
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

}  // namespace mz::detail
