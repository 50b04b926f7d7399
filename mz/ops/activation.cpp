// Activations: one kernel call each, backward written in ops (relu, tanh and sigmoid through
// the fused act_grad op), and the Keras name table behind activation("relu", x).
#include "mz/ops/activation.h"

#include <array>
#include <string_view>

#include "mz/autograd/node.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/shape.h"
#include "mz/ops/softmax.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;
using autograd::needs;

// Keras's selu constants (as the kernels use them).
constexpr double kSeluAlpha = 1.67326324;
constexpr double kSeluScale = 1.05070098;

Tensor scalar_like(const Tensor& t, double v) {
  return scalar(v, {.dtype = t.dtype(), .device = t.device()});
}

// 1.0 where mask, else 0.0, in t's dtype.
Tensor as_float(const Tensor& mask, const Tensor& t) { return cast(mask, t.dtype()); }

// Runs the activation kernel `op` on x; records backward as grad(g, x, y) when needed.
template <class Grad>
Tensor activate(Op op, const Tensor& x, Grad grad, const OpAttrs& attrs = {}) {
  detail::expect_floating(x, op_name(op).data());
  Tensor y = Tensor::empty(x.shape(), {.dtype = x.dtype(), .device = x.device()});
  detail::dispatch(op, {x.detach()}, {y}, attrs);
  if (autograd::should_record({x})) {
    Tensor xd = x.detach(), yd = y.detach();
    autograd::record(op_name(op).data(), y, {x},
                     [=](const Tensor& g, GradMask) { return Grads{grad(g, xd, yd)}; });
  }
  return y;
}

// An activation by Keras name.
struct Named {
  std::string_view name;
  Tensor (*fn)(const Tensor&);
};

const std::array<Named, 17> kActivations = {{
    {"relu", [](const Tensor& x) { return relu(x); }},
    {"relu6", [](const Tensor& x) { return relu6(x); }},
    {"leaky_relu", [](const Tensor& x) { return leaky_relu(x); }},
    {"elu", [](const Tensor& x) { return elu(x); }},
    {"selu", [](const Tensor& x) { return selu(x); }},
    {"gelu", [](const Tensor& x) { return gelu(x); }},
    {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
    {"hard_sigmoid", [](const Tensor& x) { return hard_sigmoid(x); }},
    {"tanh", [](const Tensor& x) { return tanh(x); }},
    {"softplus", [](const Tensor& x) { return softplus(x); }},
    {"softsign", [](const Tensor& x) { return softsign(x); }},
    {"silu", [](const Tensor& x) { return silu(x); }},
    {"swish", [](const Tensor& x) { return silu(x); }},
    {"exponential", [](const Tensor& x) { return exp(x); }},
    {"linear", [](const Tensor& x) { return x; }},
    {"softmax", [](const Tensor& x) { return softmax(x, -1); }},
    {"log_softmax", [](const Tensor& x) { return log_softmax(x, -1); }},
}};

}  // namespace

Tensor relu(const Tensor& x) {
  return activate(Op::relu, x, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return act_grad(g, y, Act::relu);
  });
}

Tensor relu6(const Tensor& x) {
  return activate(Op::relu6, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    Tensor inside =
        mul(as_float(gt(x, scalar_like(x, 0.0)), g), as_float(lt(x, scalar_like(x, 6.0)), g));
    return mul(g, inside);
  });
}

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  OpAttrs attrs;
  attrs.alpha = negative_slope;
  return activate(
      Op::leaky_relu, x,
      [negative_slope](const Tensor& g, const Tensor& x, const Tensor&) {
        return where(gt(x, scalar_like(x, 0.0)), g, g * negative_slope);
      },
      attrs);
}

Tensor elu(const Tensor& x, double alpha) {
  OpAttrs attrs;
  attrs.alpha = alpha;
  // d/dx = 1 for x > 0, alpha e^x = y + alpha below.
  return activate(
      Op::elu, x,
      [alpha](const Tensor& g, const Tensor& x, const Tensor& y) {
        return where(gt(x, scalar_like(x, 0.0)), g, mul(g, y + alpha));
      },
      attrs);
}

Tensor selu(const Tensor& x) {
  // d/dx = scale for x > 0, scale alpha e^x = y + scale alpha below.
  return activate(Op::selu, x, [](const Tensor& g, const Tensor& x, const Tensor& y) {
    return where(gt(x, scalar_like(x, 0.0)), g * kSeluScale, mul(g, y + kSeluScale * kSeluAlpha));
  });
}

Tensor gelu(const Tensor& x, bool approximate) {
  OpAttrs attrs;
  attrs.approximate = approximate;
  if (approximate) {
    // y = x s(2u), u = c (x + k x^3): dy/dx = s + 2 x s (1 - s) c (1 + 3 k x^2).
    return activate(
        Op::gelu, x,
        [](const Tensor& g, const Tensor& x, const Tensor&) {
          const double c = 0.7978845608028654, k = 0.044715;
          Tensor s = sigmoid((x + pow(x, 3.0) * k) * (2.0 * c));
          Tensor du = square(x) * (3.0 * k) + 1.0;
          return mul(g, s + mul(mul(x, mul(s, 1.0 - s)), du) * (2.0 * c));
        },
        attrs);
  }
  // y = x Phi(x): dy/dx = Phi(x) + x phi(x), with Phi(x) = y / x (1/2 at x = 0) and
  // phi(x) = e^(-x^2/2) / sqrt(2 pi).
  return activate(
      Op::gelu, x,
      [](const Tensor& g, const Tensor& x, const Tensor& y) {
        Tensor zero = eq(x, scalar_like(x, 0.0));
        Tensor safe_x = where(zero, scalar_like(x, 1.0), x);
        Tensor cdf = where(zero, scalar_like(x, 0.5), div(y, safe_x));
        Tensor pdf = exp(square(x) * -0.5) * 0.3989422804014327;
        return mul(g, cdf + mul(x, pdf));
      },
      attrs);
}

Tensor sigmoid(const Tensor& x) {
  return activate(Op::sigmoid, x, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return act_grad(g, y, Act::sigmoid);
  });
}

Tensor hard_sigmoid(const Tensor& x) {
  // relu6(x + 3) / 6: slope 1/6 on (-3, 3), flat outside.
  return activate(Op::hard_sigmoid, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    Tensor inside =
        mul(as_float(gt(x, scalar_like(x, -3.0)), g), as_float(lt(x, scalar_like(x, 3.0)), g));
    return mul(g, inside) * (1.0 / 6.0);
  });
}

Tensor tanh(const Tensor& x) {
  return activate(Op::tanh, x, [](const Tensor& g, const Tensor&, const Tensor& y) {
    return act_grad(g, y, Act::tanh);
  });
}

Tensor softplus(const Tensor& x) {
  return activate(Op::softplus, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return mul(g, sigmoid(x));
  });
}

Tensor softsign(const Tensor& x) {
  // d/dx = 1 / (1 + |x|)^2.
  return activate(Op::softsign, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    return div(g, square(abs(x) + 1.0));
  });
}

Tensor silu(const Tensor& x) {
  // d/dx = s (1 + x (1 - s)), s = sigmoid(x).
  return activate(Op::silu, x, [](const Tensor& g, const Tensor& x, const Tensor&) {
    Tensor s = sigmoid(x);
    return mul(g, mul(s, mul(x, 1.0 - s) + 1.0));
  });
}

Tensor act_grad(const Tensor& dy, const Tensor& y, Act act) {
  detail::common_device({dy, y}, "act_grad");
  detail::expect_floating(dy, "act_grad");
  detail::expect_same_dtype(dy, y, "act_grad");
  if (!(dy.shape() == y.shape()))
    throw ShapeError(str("act_grad: dy and y must have one shape: expected ", y.shape(), ", got ",
                         dy.shape(), "."));
  OpAttrs attrs;
  attrs.act = act;
  Tensor out = Tensor::empty(y.shape(), {.dtype = y.dtype(), .device = y.device()});
  detail::dispatch(Op::act_grad, {dy.detach(), y.detach()}, {out}, attrs);
  if (autograd::should_record({dy, y})) {
    Tensor dyd = dy.detach(), yd = y.detach();
    // out = dy f'(y): d/d dy = f'(y) (act_grad itself); d/dy = dy f''(y), which is 0 for
    // linear and relu, -2 y dy for tanh, (1 - 2y) dy for sigmoid.
    autograd::record("act_grad", out, {dy, y}, [=](const Tensor& g, GradMask need) {
      Grads grads(2);
      if (needs(need, 0)) grads[0] = act_grad(g, yd, act);
      if (needs(need, 1)) {
        if (act == Act::tanh)
          grads[1] = mul(g, mul(dyd, yd * -2.0));
        else if (act == Act::sigmoid)
          grads[1] = mul(g, mul(dyd, 1.0 - yd * 2.0));
        else
          grads[1] = zeros_like(yd);
      }
      return grads;
    });
  }
  return out;
}

const std::string& activation_names() {
  static const std::string names = [] {
    std::string s;
    for (const Named& a : kActivations) s += str(s.empty() ? "" : ", ", "\"", a.name, "\"");
    return s;
  }();
  return names;
}

bool is_activation(const std::string& name) {
  for (const Named& a : kActivations)
    if (a.name == name) return true;
  return false;
}

Tensor activation(const std::string& name, const Tensor& x) {
  for (const Named& a : kActivations)
    if (a.name == name) return a.fn(x);
  throw ValueError(str("activation: unknown activation \"", name, "\": expected one of ",
                       activation_names(), "."));
}

}  // namespace mz
