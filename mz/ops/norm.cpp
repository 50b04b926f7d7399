// Normalisation ops: argument checks, the fused kernel calls, and the backward of each forward
// through the fused grad ops. The grad ops fall back to a composition of differentiable ops
// while autograd records, so that they too can be differentiated (and gradchecked).
#include "mz/ops/norm.h"

#include "mz/autograd/node.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;
using autograd::needs;

TensorOptions options_of(const Tensor& x) { return {.dtype = x.dtype(), .device = x.device()}; }

// v as a contiguous (n,) vector, or `fill` repeated n times when v is undefined.
Tensor vector_or(const Tensor& v, int64_t n, double fill, const Tensor& like) {
  if (v.defined()) return v.detach().contiguous().reshape({n});
  return full({n}, fill, options_of(like));
}

// Checks a per-channel vector of batch norm: defined ones must be (C,) in x's dtype.
void expect_channel_vector(const Tensor& v, const char* name, const Tensor& x, const char* who) {
  if (!v.defined()) return;
  detail::expect_same_dtype(x, v, who);
  const int64_t c = x.shape().back();
  if (!(v.shape() == Shape{c}))
    throw ShapeError(str(who, ": ", name, " does not match the channels of x ", x.shape(),
                         ": expected shape ", Shape{c}, ", got ", v.shape(), "."));
}

// Checks a vector of `n` elements (any shape) in x's dtype, for layer norm.
void expect_elements(const Tensor& v, const char* name, int64_t n, const Tensor& x,
                     const char* what, const char* who) {
  if (!v.defined()) return;
  detail::expect_same_dtype(x, v, who);
  if (v.numel() != n)
    throw ShapeError(str(who, ": ", name, " does not match ", what, " of x ", x.shape(),
                         ": expected ", n, " elements, got shape ", v.shape(), "."));
}

// The product of the last `axes` dimensions of x, after checking 1 <= axes <= rank.
int64_t trailing_size(const Tensor& x, int axes, const char* who) {
  if (axes < 1 || axes > x.rank())
    throw ShapeError(str(who, ": axes must count trailing axes of x ", x.shape(),
                         ": expected 1 to ", x.rank(), ", got ", axes, "."));
  int64_t n = 1;
  for (int i = x.rank() - axes; i < x.rank(); ++i) n *= x.shape()[i];
  return n;
}

// ----- compositions used while autograd records (differentiable, slower) -----

// batch_norm_grad with ops: x and dy as (M, C).
NormGrads batch_norm_grad_composed(const Tensor& dy, const Tensor& x, const Tensor& mu,
                                   const Tensor& var, const Tensor& gamma, double epsilon) {
  const int64_t c = x.shape().back();
  const double m = static_cast<double>(x.numel() / c);
  Tensor x2 = x.reshape({-1, c}), dy2 = dy.reshape({-1, c});
  Tensor rstd = rsqrt(var + epsilon);
  Tensor xhat = (x2 - mu) * rstd;
  Tensor dbeta = sum(dy2, {0});
  Tensor dgamma = sum(dy2 * xhat, {0});
  Tensor scale = gamma.defined() ? gamma * rstd : rstd;
  Tensor dx = scale * (dy2 - dbeta * (1.0 / m) - xhat * (dgamma * (1.0 / m)));
  return {dx.reshape(x.shape()), dgamma, dbeta};
}

// layer_norm_grad with ops: rows of n elements.
NormGrads layer_norm_grad_composed(const Tensor& dy, const Tensor& x, const Tensor& mu,
                                   const Tensor& var, const Tensor& gamma, int64_t n,
                                   double epsilon) {
  const int64_t rows = x.numel() / n;
  Tensor x2 = x.reshape({rows, n}), dy2 = dy.reshape({rows, n});
  Tensor rstd = rsqrt(var.reshape({rows, 1}) + epsilon);
  Tensor xhat = (x2 - mu.reshape({rows, 1})) * rstd;
  Tensor g = gamma.defined() ? dy2 * gamma.reshape({n}) : dy2;
  Tensor dx = (g - mean(g, {1}, true) - xhat * mean(g * xhat, {1}, true)) * rstd;
  return {dx.reshape(x.shape()), sum(dy2 * xhat, {0}), sum(dy2, {0})};
}

}  // namespace

BatchNormOutput batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                           double epsilon) {
  const char* who = "batch_norm";
  detail::common_device({x, gamma, beta}, who);
  detail::expect_floating(x, who);
  if (x.rank() == 0)
    throw ShapeError(
        str(who, ": x must have a channels axis: expected rank >= 1, got shape ", x.shape(), "."));
  if (x.numel() == 0)
    throw ValueError(str(who,
                         ": cannot compute batch statistics of an empty x: expected at "
                         "least one element, got shape ",
                         x.shape(), "."));
  expect_channel_vector(gamma, "gamma", x, who);
  expect_channel_vector(beta, "beta", x, who);
  const int64_t c = x.shape().back();
  Tensor xc = x.detach().contiguous();
  Tensor y = Tensor::empty(x.shape(), options_of(x));
  Tensor mean = Tensor::empty({c}, options_of(x)), var = Tensor::empty({c}, options_of(x));
  OpAttrs attrs;
  attrs.alpha = epsilon;
  detail::dispatch(Op::batch_norm, {xc, vector_or(gamma, c, 1.0, x), vector_or(beta, c, 0.0, x)},
                   {y, mean, var}, attrs);
  if (autograd::should_record({x, gamma, beta})) {
    Tensor gd = gamma.defined() ? gamma.detach() : Tensor();
    autograd::record(
        who, y, {x, gamma, beta}, [xc, mean, var, gd, epsilon](const Tensor& dy, GradMask need) {
          NormGrads g = batch_norm_grad(dy, xc, mean, var, gd, epsilon);
          return Grads{needs(need, 0) ? g.dx : Tensor(), needs(need, 1) ? g.dgamma : Tensor(),
                       needs(need, 2) ? g.dbeta : Tensor()};
        });
  }
  return {y, mean, var};
}

Tensor batch_norm_inference(const Tensor& x, const Tensor& mean, const Tensor& var,
                            const Tensor& gamma, const Tensor& beta, double epsilon, int axis) {
  const char* who = "batch_norm_inference";
  detail::common_device({x, mean, var, gamma, beta}, who);
  detail::expect_floating(x, who);
  const int a = normalize_axis(axis, x.rank(), who);
  const int64_t c = x.shape()[a];
  const std::pair<const char*, const Tensor*> vectors[] = {
      {"mean", &mean}, {"var", &var}, {"gamma", &gamma}, {"beta", &beta}};
  for (const auto& [name, v] : vectors) {
    if (!v->defined()) {
      if (v == &mean || v == &var)
        throw ValueError(str(who, ": ", name, " is required: expected a (", c,
                             ",) tensor, got an undefined one."));
      continue;
    }
    detail::expect_same_dtype(x, *v, who);
    if (!(v->shape() == Shape{c}))
      throw ShapeError(str(who, ": ", name, " does not match axis ", axis, " of x ", x.shape(),
                           ": expected shape ", Shape{c}, ", got ", v->shape(), "."));
  }
  // Keras's (and tf.nn's) form: inv = gamma / sqrt(var + eps); y = x * inv + (beta - mean * inv).
  Tensor inv = rsqrt(var + epsilon);
  if (gamma.defined()) inv = inv * gamma;
  Tensor shift = beta.defined() ? beta - mean * inv : -(mean * inv);
  if (a != x.rank() - 1) {
    Shape along = Shape::filled(x.rank(), 1);
    along[a] = c;
    inv = inv.reshape(along);
    shift = shift.reshape(along);
  }
  return x * inv + shift;
}

Tensor layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, int axes,
                  double epsilon) {
  const char* who = "layer_norm";
  detail::common_device({x, gamma, beta}, who);
  detail::expect_floating(x, who);
  const int64_t n = trailing_size(x, axes, who);
  expect_elements(gamma, "gamma", n, x, "the normalised block", who);
  expect_elements(beta, "beta", n, x, "the normalised block", who);
  int64_t rows = 1;
  for (int i = 0; i < x.rank() - axes; ++i) rows *= x.shape()[i];
  Tensor xc = x.detach().contiguous();
  Tensor y = Tensor::empty(x.shape(), options_of(x));
  Tensor mean = Tensor::empty({rows}, options_of(x)), var = Tensor::empty({rows}, options_of(x));
  if (x.numel() > 0) {
    OpAttrs attrs;
    attrs.alpha = epsilon;
    detail::dispatch(Op::layer_norm, {xc, vector_or(gamma, n, 1.0, x), vector_or(beta, n, 0.0, x)},
                     {y, mean, var}, attrs);
  }
  if (autograd::should_record({x, gamma, beta})) {
    Tensor gd = gamma.defined() ? gamma.detach() : Tensor();
    Shape gshape = gamma.defined() ? gamma.shape() : Shape{},
          bshape = beta.defined() ? beta.shape() : Shape{};
    autograd::record(
        who, y, {x, gamma, beta},
        [xc, mean, var, gd, axes, epsilon, gshape, bshape](const Tensor& dy, GradMask need) {
          NormGrads g = layer_norm_grad(dy, xc, mean, var, gd, axes, epsilon);
          return Grads{needs(need, 0) ? g.dx : Tensor(),
                       needs(need, 1) ? g.dgamma.reshape(gshape) : Tensor(),
                       needs(need, 2) ? g.dbeta.reshape(bshape) : Tensor()};
        });
  }
  return y;
}

NormGrads batch_norm_grad(const Tensor& dy, const Tensor& x, const Tensor& mean, const Tensor& var,
                          const Tensor& gamma, double epsilon) {
  const char* who = "batch_norm_grad";
  detail::common_device({dy, x, mean, var, gamma}, who);
  detail::expect_floating(x, who);
  if (x.rank() == 0 || x.numel() == 0)
    throw ShapeError(str(who, ": x must be a non-empty tensor with a channels axis: got shape ",
                         x.shape(), "."));
  detail::expect_same_dtype(x, dy, who);
  if (!(dy.shape() == x.shape()))
    throw ShapeError(str(who, ": dy and x must have one shape: expected ", x.shape(), ", got ",
                         dy.shape(), "."));
  for (const auto& [name, v] : {std::pair<const char*, Tensor>{"mean", mean}, {"var", var}}) {
    if (!v.defined())
      throw ValueError(str(who, ": ", name, " is required: got an undefined tensor."));
    expect_channel_vector(v, name, x, who);
  }
  expect_channel_vector(gamma, "gamma", x, who);
  if (autograd::should_record({dy, x, mean, var, gamma}))
    return batch_norm_grad_composed(dy, x, mean, var, gamma, epsilon);
  const int64_t c = x.shape().back();
  NormGrads g{Tensor::empty(x.shape(), options_of(x)), Tensor::empty({c}, options_of(x)),
              Tensor::empty({c}, options_of(x))};
  OpAttrs attrs;
  attrs.alpha = epsilon;
  detail::dispatch(Op::batch_norm_grad,
                   {dy.detach().contiguous(), x.detach().contiguous(), mean.detach().contiguous(),
                    var.detach().contiguous(), vector_or(gamma, c, 1.0, x)},
                   {g.dx, g.dgamma, g.dbeta}, attrs);
  return g;
}

NormGrads layer_norm_grad(const Tensor& dy, const Tensor& x, const Tensor& mean, const Tensor& var,
                          const Tensor& gamma, int axes, double epsilon) {
  const char* who = "layer_norm_grad";
  detail::common_device({dy, x, mean, var, gamma}, who);
  detail::expect_floating(x, who);
  detail::expect_same_dtype(x, dy, who);
  if (!(dy.shape() == x.shape()))
    throw ShapeError(str(who, ": dy and x must have one shape: expected ", x.shape(), ", got ",
                         dy.shape(), "."));
  const int64_t n = trailing_size(x, axes, who);
  int64_t rows = 1;
  for (int i = 0; i < x.rank() - axes; ++i) rows *= x.shape()[i];
  for (const auto& [name, v] : {std::pair<const char*, Tensor>{"mean", mean}, {"var", var}}) {
    if (!v.defined())
      throw ValueError(str(who, ": ", name, " is required: got an undefined tensor."));
    expect_elements(v, name, rows, x, "the leading positions", who);
  }
  expect_elements(gamma, "gamma", n, x, "the normalised block", who);
  if (autograd::should_record({dy, x, mean, var, gamma}))
    return layer_norm_grad_composed(dy, x, mean, var, gamma, n, epsilon);
  NormGrads g{Tensor::empty(x.shape(), options_of(x)), Tensor::empty({n}, options_of(x)),
              Tensor::empty({n}, options_of(x))};
  if (x.numel() == 0) {
    g.dgamma.zero_();
    g.dbeta.zero_();
    return g;
  }
  OpAttrs attrs;
  attrs.alpha = epsilon;
  detail::dispatch(Op::layer_norm_grad,
                   {dy.detach().contiguous(), x.detach().contiguous(),
                    mean.detach().contiguous().reshape({rows}),
                    var.detach().contiguous().reshape({rows}), vector_or(gamma, n, 1.0, x)},
                   {g.dx, g.dgamma, g.dbeta}, attrs);
  return g;
}

}  // namespace mz
