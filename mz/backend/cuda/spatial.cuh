// The geometry of convolution and pooling on the device: every rank run as three spatial axes
// (depth, rows, cols), the missing leading ones of size 1, tensors channels_last and
// contiguous: x (N, I0, I1, I2, C), y (N, O0, O1, O2, C'). Passed to kernels by value.
#pragma once

#include <cstdint>

#include "mz/backend/kernel.h"

namespace mz::cuda {

struct Spatial {
  int64_t N = 1, Cin = 1, Cout = 1, G = 1, Cig = 1, Cog = 1;
  int64_t I[3] = {1, 1, 1}, O[3] = {1, 1, 1}, K[3] = {1, 1, 1};
  int64_t S[3] = {1, 1, 1}, D[3] = {1, 1, 1}, P[3] = {0, 0, 0};
};

// x_shape (N, *I, Cin), y_shape (N, *O, Cout); `window` the kernel's or pool's spatial sizes;
// strides, dilation (empty: 1), pads (padding before) and groups from attrs.
inline Spatial spatial_of(const Shape& x_shape, const Shape& y_shape, const Shape& window,
                          const OpAttrs& a) {
  Spatial s;
  const int spatial = x_shape.rank() - 2, lead = 3 - spatial;
  s.N = x_shape[0];
  s.Cin = x_shape.back();
  s.Cout = y_shape.back();
  s.G = a.groups;
  s.Cig = s.Cin / s.G;
  s.Cog = s.Cout / s.G;
  for (int i = 0; i < spatial; ++i) {
    s.I[lead + i] = x_shape[i + 1];
    s.O[lead + i] = y_shape[i + 1];
    s.K[lead + i] = window[i];
    s.S[lead + i] = a.strides[i];
    s.D[lead + i] = a.dilation.rank() > i ? a.dilation[i] : 1;
    s.P[lead + i] = a.pads[i];
  }
  return s;
}

}  // namespace mz::cuda
