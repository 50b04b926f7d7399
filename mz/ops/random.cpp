// Random tensors, drawn on the host in row-major order from a Generator (so a seed gives the
// same values on every backend), and inverted dropout.
#include "mz/ops/random.h"

#include <cmath>
#include <utility>

#include "mz/ops/arith.h"
#include "mz/ops/dispatch.h"

namespace mz {
namespace {

// A host tensor of `shape` filled by draw() (a double per element, row-major), in options'
// dtype, then moved to options' device.
template <class Draw>
Tensor generate(const Shape& shape, TensorOptions options, Draw&& draw) {
  const Device target = options.device;
  Tensor t = Tensor::empty(
      shape, {.dtype = options.dtype, .device = target.is_host() ? target : Device::cpu()});
  visit_dtype(options.dtype, [&](auto zero) {
    using T = decltype(zero);
    T* p = static_cast<T*>(t.raw_data());
    for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = static_cast<T>(draw());
  });
  return t.to(target);
}

void expect_floating_dtype(DType dtype, const char* who) {
  if (!is_floating(dtype))
    throw ValueError(str(who, ": expected float32 or float64, got ", dtype_name(dtype), "."));
}

}  // namespace

Tensor uniform(const Shape& shape, double low, double high, TensorOptions options, Generator& gen) {
  expect_floating_dtype(options.dtype, "uniform");
  if (!(low < high))
    throw ValueError(str("uniform: low must be below high, got low ", low, ", high ", high, "."));
  const double span = high - low;
  if (options.dtype == DType::f32) {
    // Rounding to float32 can land on `high`; keep [low, high) half-open.
    const float top = std::nextafter(static_cast<float>(high), static_cast<float>(low));
    return generate(shape, options, [&] {
      float v = static_cast<float>(low + span * gen.uniform());
      return v < static_cast<float>(high) ? v : top;
    });
  }
  return generate(shape, options, [&] { return low + span * gen.uniform(); });
}

Tensor normal(const Shape& shape, double mean, double stddev, TensorOptions options,
              Generator& gen) {
  expect_floating_dtype(options.dtype, "normal");
  return generate(shape, options, [&] { return mean + stddev * gen.normal(); });
}

Tensor truncated_normal(const Shape& shape, double mean, double stddev, TensorOptions options,
                        Generator& gen) {
  expect_floating_dtype(options.dtype, "truncated_normal");
  return generate(shape, options, [&] {
    double z;
    do z = gen.normal();
    while (std::fabs(z) > 2.0);
    return mean + stddev * z;
  });
}

Tensor bernoulli(const Shape& shape, double p, TensorOptions options, Generator& gen) {
  if (!(p >= 0.0 && p <= 1.0))
    throw ValueError(str("bernoulli: p must be in [0, 1], got ", p, "."));
  return generate(shape, options, [&] { return gen.uniform() < p ? 1.0 : 0.0; });
}

Tensor permutation(int64_t n, Generator& gen) {
  if (n < 0) throw ValueError(str("permutation: n must be non-negative, got ", n, "."));
  Tensor t = Tensor::empty(Shape{n}, {.dtype = DType::i64, .device = Device::cpu()});
  int64_t* p = t.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) p[i] = i;
  for (int64_t i = n - 1; i > 0; --i) std::swap(p[i], p[gen.below(static_cast<uint64_t>(i + 1))]);
  return t.to(default_device());
}

Tensor dropout(const Tensor& x, double rate, bool training, Generator& gen) {
  if (!(rate >= 0.0 && rate < 1.0))
    throw ValueError(str("dropout: rate must be in [0, 1), got ", rate, "."));
  detail::expect_floating(x, "dropout");
  if (!training || rate == 0.0) return x;
  // The mask holds 0 or 1 / (1 - rate), so y = x * mask and the gradient is g * mask.
  // Each 64-bit draw gives two 32-bit uniforms: an element is kept when its uniform is at
  // least rate * 2^32, i.e. with probability 1 - rate (to 2^-32).
  const uint64_t threshold = static_cast<uint64_t>(std::ceil(rate * 4294967296.0));
  const double scale = 1.0 / (1.0 - rate);
  Tensor mask = Tensor::empty(x.shape(), {.dtype = x.dtype(), .device = Device::cpu()});
  visit_dtype(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* p = static_cast<T*>(mask.raw_data());
    const T keep = static_cast<T>(scale);
    const int64_t n = mask.numel();
    int64_t i = 0;
    for (; i + 1 < n; i += 2) {
      const uint64_t r = gen.next_u64();
      p[i] = (r & 0xffffffffu) >= threshold ? keep : T(0);
      p[i + 1] = (r >> 32) >= threshold ? keep : T(0);
    }
    if (i < n) p[i] = (gen.next_u64() & 0xffffffffu) >= threshold ? keep : T(0);
  });
  return mul(x, mask.to(x.device()));
}

}  // namespace mz
