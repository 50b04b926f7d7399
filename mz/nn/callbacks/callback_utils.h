// Helpers shared by the callbacks of nn/callbacks/ (internal): Python-style number text, the
// "available metrics" list of their warnings, and the state interface checkpoints save.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/callbacks/callback.h"

namespace mz::detail {

// Python's repr of a float, as Keras prints it: the shortest text that reads back to the same
// double (0.1, 0.010000000000000002, 1.0, 1e-05, nan, inf).
std::string python_float(double v);

// The names in logs, comma-separated, in the logs' order: "accuracy, loss".
std::string log_names(const Logs& logs);

// A double as the integer of its IEEE bits, exact in JSON for every value (inf and nan too).
uint64_t double_bits(double v);
// The double whose IEEE bits are `bits` (the inverse of double_bits).
double bits_double(uint64_t bits);

}  // namespace mz::detail

namespace mz::callbacks {

// A callback whose progress a checkpoint (BackupAndRestore) saves and restores, so a resumed
// fit decides as the uninterrupted one would: counters as JSON, tensors (best weights) apart.
class CheckpointedCallback {
 public:
  virtual ~CheckpointedCallback() = default;
  // The state: JSON numbers and booleans (doubles as double_bits), tensors appended to `tensors`.
  virtual Json checkpoint_state(std::vector<Tensor>& tensors) const = 0;
  // Restores what checkpoint_state gave; throws FormatError "<who>: <key>: expected ..., got
  // ..." for a missing or mistyped key, or tensors that do not fit.
  virtual void restore_checkpoint_state(const Json& state, const std::vector<Tensor>& tensors) = 0;
};

// state[key] as an integer / a boolean / a double stored by double_bits; throws FormatError
// "<who>: \"<key>\": expected <kind>, got <value>." otherwise.
int64_t state_int(const Json& state, const char* key, const std::string& who);
bool state_bool(const Json& state, const char* key, const std::string& who);
double state_double(const Json& state, const char* key, const std::string& who);

}  // namespace mz::callbacks
