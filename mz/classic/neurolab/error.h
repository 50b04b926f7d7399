// neurolab's error functions (neurolab.error, spec §3): the value over a whole batch and the
// per-sample derivative -dE/do that the gradient trainers use.
#pragma once

#include <cstddef>

#include "mz/classic/neurolab/matrix.h"

namespace mz::classic::nl {

enum class ErrorKind { sse, sae, mse, mae, cee };

// An error function; build one through SSE(), SAE(), MSE(), MAE(), CEE().
class ErrorFn {
 public:
  ErrorKind kind() const { return kind_; }
  // neurolab's class name, e.g. "SSE".
  const char* name() const;
  // The error of `output` against `target` (same shape); e = target - output over all N
  // elements: SSE ½Σe², SAE Σ|e|, MSE Σe²/N, MAE Σ|e|/N, CEE -Σ[t ln o + (1-t) ln(1-o)]/N
  // with o and t clipped to [2^-52, 1 - 2^-52]. Throws ShapeError when the shapes differ.
  double operator()(const Matrix& target, const Matrix& output) const;
  // The same over n values at t and o.
  double value(const double* t, const double* o, std::size_t n) const;
  // d = -dE_sample/do for one sample of m outputs: SSE t-o, SAE sign(t-o), MSE 2(t-o)/m,
  // MAE sign(t-o)/m, CEE (t/(o+eps) - (1-t)/(1-o+eps))/m with o, t clipped to [0, 1].
  void deriv(const double* t, const double* o, int m, double* d) const;

 protected:
  explicit ErrorFn(ErrorKind kind) : kind_(kind) {}

 private:
  ErrorKind kind_;
};

// Half the sum of squared errors (neurolab keeps the ½).
struct SSE : ErrorFn { SSE() : ErrorFn(ErrorKind::sse) {} };
// Sum of absolute errors.
struct SAE : ErrorFn { SAE() : ErrorFn(ErrorKind::sae) {} };
// Mean squared error over all elements.
struct MSE : ErrorFn { MSE() : ErrorFn(ErrorKind::mse) {} };
// Mean absolute error over all elements.
struct MAE : ErrorFn { MAE() : ErrorFn(ErrorKind::mae) {} };
// Binary cross-entropy, mean over all elements.
struct CEE : ErrorFn { CEE() : ErrorFn(ErrorKind::cee) {} };

}  // namespace mz::classic::nl
