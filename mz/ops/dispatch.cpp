// Kernel dispatch and the common argument checks of ops.
#include "mz/ops/dispatch.h"

#include <vector>

namespace mz::detail {

void dispatch(Op op, std::initializer_list<Tensor> inputs, std::initializer_list<Tensor> outputs,
              const OpAttrs& attrs) {
  const Tensor& first = inputs.size() ? *inputs.begin() : *outputs.begin();
  KernelFn fn = find_kernel(first.device(), op, first.dtype());
  KernelArgs args;
  args.in = inputs.begin();
  args.n_in = static_cast<int>(inputs.size());
  args.out = const_cast<Tensor*>(outputs.begin());
  args.n_out = static_cast<int>(outputs.size());
  args.attrs = &attrs;
  fn(args);
}

Device common_device(std::initializer_list<Tensor> tensors, const char* who) {
  const Tensor* first = nullptr;
  for (const Tensor& t : tensors) {
    if (!t.defined()) continue;
    if (!first) {
      first = &t;
    } else if (!(t.device() == first->device())) {
      throw ValueError(str(who, ": tensors are on different devices: ", first->device(), " and ",
                           t.device(), "; move one with .to(device)."));
    }
  }
  MZ_ASSERT(first, who);
  return first->device();
}

void expect_floating(const Tensor& t, const char* who) {
  if (!is_floating(t.dtype()))
    throw ValueError(str(who, ": expected a float32 or float64 tensor, got ",
                         dtype_name(t.dtype()), "."));
}

void expect_same_dtype(const Tensor& a, const Tensor& b, const char* who) {
  if (a.dtype() != b.dtype())
    throw ValueError(str(who, ": dtypes differ: ", dtype_name(a.dtype()), " and ",
                         dtype_name(b.dtype()), "; convert one with .to(DType::...)."));
}

}  // namespace mz::detail
