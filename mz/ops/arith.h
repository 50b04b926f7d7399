// Element-wise arithmetic with NumPy broadcasting, and the in-place updates optimizers use.
// Binary ops need equal dtypes; a double operand takes the tensor's dtype.
// Comparisons return uint8 tensors of 0 and 1 (NumPy's bool) and have no gradient.
#pragma once

#include "mz/core/tensor.h"

namespace mz {

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
// a ** b (floating only).
Tensor pow(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, double exponent);
// Element-wise larger/smaller; NaN propagates; at ties the gradient goes to a.
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
// cond ? a : b, element-wise; cond is uint8 (any nonzero is true); all three broadcast.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

Tensor neg(const Tensor& x);
// |x|; gradient sign(x) (0 at 0).
Tensor abs(const Tensor& x);
// -1, 0 or 1; gradient 0.
Tensor sign(const Tensor& x);
Tensor sqrt(const Tensor& x);
// 1 / sqrt(x).
Tensor rsqrt(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
// log(1 + x), accurate for small x.
Tensor log1p(const Tensor& x);
Tensor square(const Tensor& x);
// min(max(x, lo), hi); gradient 1 inside [lo, hi], 0 outside.
Tensor clip(const Tensor& x, double lo, double hi);

// Scalar operands (no broadcast tensor is made).
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(const Tensor& a, double b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(const Tensor& a, double b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(const Tensor& a, double b);
Tensor operator/(double a, const Tensor& b);

// Sums a broadcast gradient back to `shape` (the inverse of broadcasting to g's shape).
Tensor sum_to(const Tensor& g, const Shape& shape);

// In place and never recorded (optimizer updates, gradient accumulation); `b` broadcasts to
// `a`, which must be contiguous and not an expanded view. Return a.
Tensor& add_(Tensor& a, const Tensor& b, double alpha = 1.0);  // a += alpha * b
Tensor& mul_(Tensor& a, const Tensor& b);                      // a *= b
Tensor& mul_(Tensor& a, double b);                             // a *= b
Tensor& add_(Tensor& a, double b);                             // a += b

}  // namespace mz
