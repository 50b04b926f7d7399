// cuDNN convolution for the cuda backend: 1-D and 2-D channels_last convolutions (forward,
// gradient of the input, gradient of the weights) through cuDNN 9's legacy API, one algorithm
// chosen and cached per shape. conv.cu asks here first and runs its direct kernels when this
// declines. Plain C++ (no CUDA or cuDNN headers), so tests can steer and observe the choice.
#pragma once

#include <cstdint>

#include "mz/backend/kernel.h"

namespace mz::cuda {

// Which path a convolution takes. automatic: cuDNN when the convolution is large enough to pay
// (kCudnnMinMacs multiply-adds or more) and cuDNN has an algorithm for it (a deterministic one
// under MEREZHA_CUDA_DETERMINISTIC=1), else the direct kernels; cudnn: cuDNN whenever it has an
// algorithm, whatever the size; direct: always the direct kernels.
enum class ConvPath : uint8_t { automatic, cudnn, direct };

// The multiply-adds (batch x output pixels x output channels x taps x group input channels)
// from which the automatic path hands a convolution to cuDNN: below it, the direct kernels'
// single launch beats cuDNN's descriptor set-up and extra passes.
inline constexpr int64_t kCudnnMinMacs = int64_t{1} << 22;

// Sets the path for every later convolution (process-wide; MEREZHA_CUDA_CONV=cudnn|direct sets
// the starting value, automatic when unset).
void set_conv_path(ConvPath path);
// The path in force.
ConvPath conv_path();

// True when merezha was built with cuDNN (MZ_HAVE_CUDNN).
bool cudnn_built();
// How many convolution calls (any direction) cuDNN has run in this process; tests read it to
// tell which path ran.
int64_t cudnn_conv_runs();

// Each runs the op on cuDNN and returns true, or returns false having queued nothing (no cuDNN,
// the path or size rule says no, a shape cuDNN cannot express: 3 spatial axes, asymmetric
// padding that changes the output size, sizes past 32 bits; or no algorithm). Tensors as the
// kernels of conv.cu take them: contiguous, float32 or float64, on one cuda device.
// y = conv(x, w) without bias or activation; conv.cu applies those.
bool cudnn_conv_forward(const Tensor& x, const Tensor& w, const Tensor& y, const OpAttrs& attrs);
// dx = d conv / d x, given dy and w.
bool cudnn_conv_grad_input(const Tensor& dy, const Tensor& w, const Tensor& dx,
                           const OpAttrs& attrs);
// dw = d conv / d w, given x and dy.
bool cudnn_conv_grad_weight(const Tensor& x, const Tensor& dy, const Tensor& dw,
                            const OpAttrs& attrs);

}  // namespace mz::cuda
