// softmax and log_softmax along any axis: the kernel call and the gradients in ops.
#include "mz/ops/softmax.h"

#include "mz/autograd/node.h"
#include "mz/ops/arith.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/reduce.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;

Tensor normalised_exp(Op op, const Tensor& x, int axis_in) {
  const char* who = op_name(op).data();
  detail::expect_floating(x, who);
  const int axis = normalize_axis(axis_in, x.rank(), who);
  Tensor y = Tensor::empty(x.shape(), {.dtype = x.dtype(), .device = x.device()});
  OpAttrs attrs;
  attrs.axis = axis;
  detail::dispatch(op, {x}, {y}, attrs);
  if (autograd::should_record({x})) {
    Tensor yd = y.detach();
    const bool log_form = op == Op::log_softmax;
    autograd::record(who, y, {x}, [yd, axis, log_form](const Tensor& g, GradMask) {
      if (log_form)  // y = x - lse(x): dx = g - softmax(x) * sum(g)
        return Grads{g - exp(yd) * sum(g, {axis}, true)};
      // y = softmax(x): dx = y * (g - sum(g * y))
      return Grads{yd * (g - sum(g * yd, {axis}, true))};
    });
  }
  return y;
}

}  // namespace

Tensor softmax(const Tensor& x, int axis) { return normalised_exp(Op::softmax, x, axis); }
Tensor log_softmax(const Tensor& x, int axis) { return normalised_exp(Op::log_softmax, x, axis); }

}  // namespace mz
