// gradcheck: analytic gradients against central finite differences, in float64.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz {

// Defaults: the reliability battery's G1 criterion |a - n| <= atol + rtol * |n|, h = 1e-6.
struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-7;
  double rtol = 1e-5;
  // Outputs with more elements are checked through random projections v^T J (3 of them)
  // instead of the full Jacobian.
  int64_t max_full_outputs = 256;
};

struct GradcheckResult {
  bool ok = true;
  double max_abs_error = 0.0;
  std::string message;  // the first failing entry, or empty
  explicit operator bool() const { return ok; }
};

// Checks d fn(inputs) / d inputs. Floating inputs are converted to float64 leaves that require
// grad; integer inputs (indices, labels) are passed through unchanged. fn may return any shape.
GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                          const std::vector<Tensor>& inputs, GradcheckOptions options = {});

}  // namespace mz
