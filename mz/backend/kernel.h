// The kernel table: one function pointer per (device type, op, dtype). A kernel has one
// signature, void(const KernelArgs&) (STYLE.md rule 5); the op (ops/) has already checked
// shapes and dtypes and allocated the outputs, so a kernel only computes.
#pragma once

#include <cstdint>
#include <string>

#include "mz/core/tensor.h"
#include "mz/ops/op.h"

namespace mz {

// Activations that linear and act_grad fuse: those whose derivative follows from the output.
enum class Act : uint8_t { linear, relu, tanh, sigmoid };

// Op attributes: each op documents the fields it reads (ops/*.h); the rest stay default.
struct OpAttrs {
  double alpha = 0.0;  // fill value, scalar operand, clip low, leaky/elu slope, pow exponent
  double beta = 0.0;   // clip high
  int64_t axis = 0;    // softmax, argmax, gather, one_hot, concat axis (non-negative)
  int64_t count = 0;   // one_hot depth
  bool approximate = false;  // gelu: tanh approximation
  Act act = Act::linear;     // linear, act_grad
  Shape pads;                // pad: elements before, per axis (after follows from out's shape);
                             // conv, pooling: padding before, per spatial axis
  Shape strides;             // conv, pooling: step per spatial axis
  Shape dilation;            // conv: dilation per spatial axis
  Shape window;              // pooling: window per spatial axis
  int64_t groups = 1;        // conv: channel groups
};

struct KernelArgs {
  const Tensor* in = nullptr;  // inputs, as the op documents them (any strides unless noted)
  int n_in = 0;
  Tensor* out = nullptr;  // outputs, contiguous, allocated by the op
  int n_out = 0;
  const OpAttrs* attrs = nullptr;
};

using KernelFn = void (*)(const KernelArgs&);

struct KernelTable {
  KernelFn fn[kNumOps][kNumDTypes] = {};
  void set(Op op, DType dtype, KernelFn kernel) {
    fn[static_cast<int>(op)][static_cast<int>(dtype)] = kernel;
  }
  KernelFn get(Op op, DType dtype) const {
    return fn[static_cast<int>(op)][static_cast<int>(dtype)];
  }
};

// The table of a device type (built once, on first use; cpu starts as a copy of ref).
const KernelTable& kernel_table(DeviceType type);

// The kernel for (device, op, dtype); throws BackendError naming the gap, listing the dtypes
// that do have a kernel.
KernelFn find_kernel(Device device, Op op, DType dtype);

namespace detail {
// True when the device type's backend is built in and (cuda) a device is present.
bool backend_available(DeviceType type);
// Why backend_available(type) is false: "merezha was built without CUDA", or "no CUDA device is
// present (...)".
std::string backend_unavailable_reason(DeviceType type);
}

}  // namespace mz
