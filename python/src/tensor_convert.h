// NumPy arrays <-> mz::Tensor for every binding file: arrays become tensors without a copy
// where the layout allows (native byte order, non-negative strides, a supported dtype,
// writable); tensors become arrays that share their buffer.
#pragma once

#include <nanobind/nanobind.h>

#include "mz/core/tensor.h"

namespace mz::py {

// A host tensor over `obj` (an ndarray, or anything numpy.asarray takes). float32, float64,
// int32, int64 and uint8 arrays are wrapped; bool becomes uint8, other integers int64 and
// float16 float32 (copies), as do read-only and negatively strided arrays. Throws ValueError
// "<who>: expected a numeric array, got ..." for None, objects, strings and complex numbers.
Tensor to_tensor(nanobind::handle obj, const char* who);
// A numpy.ndarray sharing t's buffer (a device tensor is copied to the host first); the
// array keeps the buffer alive.
nanobind::object to_numpy(const Tensor& t);

}  // namespace mz::py
