// Conversions the Keras binding files share: Python values <-> Keras JSON configs, shapes as
// tuples with None, model data (one array, a list or a dict of arrays) as tensors, and logs
// as dicts.
#pragma once

#include <nanobind/nanobind.h>

#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/callbacks/callback.h"
#include "mz/nn/config.h"

namespace mz::py {

// A Python value (dict, list, tuple, str, number, bool, None; objects with _keras_config(),
// NumPy scalars and arrays) as JSON, through merezha._serialize; throws ValueError
// "<who>: expected a JSON-serializable config, got ..." for anything else.
Json to_json(nanobind::handle obj, const char* who);
// JSON as plain Python values (dict, list, str, int, float, bool, None).
nanobind::object from_json(const Json& json);
// A shape as a tuple, None where a dimension is unknown (-1): (None, 784).
nanobind::tuple shape_tuple(const Shape& shape);
// A shape from a Python int or sequence of ints or None (None -> -1); throws ValueError naming
// `who` otherwise.
Shape shape_from(nanobind::handle obj, const char* who);
// A DType from a NumPy dtype, a dtype name or None (`fallback`); ValueError naming `who`.
DType dtype_from(nanobind::handle obj, DType fallback, const char* who);
// Model data as tensors: one array, a list/tuple of arrays, or a dict keyed by `names` (the
// model's input or output names, in order). None gives an empty list. Throws ValueError
// naming `who` for a dict with a missing key.
std::vector<Tensor> to_tensors(nanobind::handle obj, const char* who,
                               const std::vector<std::string>& names);
// Logs as a dict of floats.
nanobind::dict logs_dict(const Logs& logs);

}  // namespace mz::py
