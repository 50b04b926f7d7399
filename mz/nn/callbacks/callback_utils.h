// Helpers shared by the callbacks of nn/callbacks/ (internal): Python-style number text and
// the "available metrics" list of their warnings.
#pragma once

#include <string>

#include "mz/nn/callbacks/callback.h"

namespace mz::detail {

// Python's repr of a float, as Keras prints it: the shortest text that reads back to the same
// double (0.1, 0.010000000000000002, 1.0, 1e-05, nan, inf).
std::string python_float(double v);

// The names in logs, comma-separated, in the logs' order: "accuracy, loss".
std::string log_names(const Logs& logs);

}  // namespace mz::detail
