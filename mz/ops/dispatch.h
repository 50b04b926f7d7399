// How an op reaches its kernel: one table lookup on the device of its first input.
// Internal to ops/*.cpp.
#pragma once

#include <initializer_list>

#include "mz/backend/kernel.h"

namespace mz::detail {

// Runs the kernel of (device, op, dtype of the first input, or of out[0] when there is none).
void dispatch(Op op, std::initializer_list<Tensor> inputs, std::initializer_list<Tensor> outputs,
              const OpAttrs& attrs = {});

// Throws ValueError unless every defined tensor is on one device; returns that device.
Device common_device(std::initializer_list<Tensor> tensors, const char* who);
// Throws ValueError unless t is float32 or float64.
void expect_floating(const Tensor& t, const char* who);
// Throws ValueError unless a and b have the same dtype.
void expect_same_dtype(const Tensor& a, const Tensor& b, const char* who);

}  // namespace mz::detail
