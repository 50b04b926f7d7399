// Indexing and joining ops: one_hot, take_along_axis / take (gather, with scatter_add as the
// gradient), concat / stack, split (views) and pad, with their shape rules and gradients.
#include "mz/ops/index.h"

#include <string>

#include "mz/autograd/node.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/dispatch.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;
using autograd::needs;

bool is_index_dtype(DType d) { return d == DType::i32 || d == DType::i64 || d == DType::u8; }

void expect_index(const Tensor& index, const char* who) {
  if (!is_index_dtype(index.dtype()))
    throw ValueError(
        str(who, ": indices must be int32, int64 or uint8, got ", dtype_name(index.dtype()), "."));
}

// shape printed with "*" on `axis`: "(2, *)".
std::string shape_except(const Shape& shape, int axis) {
  std::string s = "(";
  for (int i = 0; i < shape.rank(); ++i)
    s += str(i ? ", " : "", i == axis ? std::string("*") : std::to_string(shape[i]));
  return s + (shape.rank() == 1 ? ",)" : ")");
}

// The kernel of (op, dtype) on the device, called with a run-time list of inputs.
void dispatch_list(Op op, const std::vector<Tensor>& inputs, Tensor& out, const OpAttrs& attrs) {
  KernelArgs args;
  args.in = inputs.data();
  args.n_in = static_cast<int>(inputs.size());
  args.out = &out;
  args.n_out = 1;
  args.attrs = &attrs;
  find_kernel(out.device(), op, inputs.front().dtype())(args);
}

// autograd::should_record and autograd::record for a run-time list of inputs (concat): the
// same fields record() sets. At most 32 inputs (the width of GradMask).
bool should_record_list(const std::vector<Tensor>& inputs) {
  if (!grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) return true;
  return false;
}
void record_list(const char* name, Tensor& y, const std::vector<Tensor>& inputs,
                 autograd::BackwardFn backward) {
  MZ_ASSERT(inputs.size() <= 32);
  auto node = std::make_shared<autograd::Node>();
  node->name = name;
  node->inputs = inputs;
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].requires_grad()) node->need |= 1u << i;
  node->backward = std::move(backward);
  y.impl().grad_fn = std::move(node);
  y.impl().requires_grad = true;
}

// gather along `axis`: x_full (x broadcast to out's shape except on axis) at idx_full (out's
// shape); the gradient scatters back into x's shape. `y_shape` is the shape handed to the user.
Tensor gather(const Tensor& x, const Tensor& x_full, const Tensor& idx_full, int axis,
              const Shape& y_shape, const char* who) {
  Tensor y = Tensor::empty(idx_full.shape(), {.dtype = x.dtype(), .device = x.device()});
  OpAttrs attrs;
  attrs.axis = axis;
  try {
    detail::dispatch(Op::gather, {x_full, idx_full}, {y}, attrs);
  } catch (const ValueError& e) {  // the kernel names the index, the op names itself
    throw ValueError(str(who, ": ", e.what()));
  }
  if (!(y_shape == y.shape())) y = y.reshape(y_shape);
  if (autograd::should_record({x})) {
    Shape full = x_full.shape(), x_shape = x.shape(), gather_shape = idx_full.shape();
    autograd::record(who, y, {x}, [=](const Tensor& g, GradMask) {
      Tensor gx = zeros(full, {.dtype = g.dtype(), .device = g.device()});
      detail::dispatch(Op::scatter_add, {g.reshape(gather_shape), idx_full}, {gx}, attrs);
      return Grads{sum_to(gx, x_shape)};
    });
  }
  return y;
}

}  // namespace

Tensor one_hot(const Tensor& indices, int64_t depth, DType dtype) {
  expect_index(indices, "one_hot");
  if (depth < 0) throw ValueError(str("one_hot: depth must be non-negative, got ", depth, "."));
  Shape shape = indices.shape();
  shape.push_back(depth);
  Tensor y = Tensor::empty(shape, {.dtype = dtype, .device = indices.device()});
  OpAttrs attrs;
  attrs.count = depth;
  detail::dispatch(Op::one_hot, {indices}, {y}, attrs);
  return y;
}

Tensor take_along_axis(const Tensor& x, const Tensor& index, int axis_in) {
  detail::common_device({x, index}, "take_along_axis");
  expect_index(index, "take_along_axis");
  if (index.rank() != x.rank())
    throw ShapeError(str("take_along_axis: index is ", index.shape(), ", expected rank ", x.rank(),
                         " like x ", x.shape(), "."));
  const int axis = normalize_axis(axis_in, x.rank(), "take_along_axis");
  // Outside the axis, x and index broadcast against each other (NumPy's rule).
  Shape out = index.shape(), x_full = x.shape();
  for (int d = 0; d < x.rank(); ++d) {
    if (d == axis) continue;
    const int64_t xd = x.shape()[d], id = index.shape()[d];
    if (xd != id && xd != 1 && id != 1)
      throw ShapeError(str("take_along_axis: index is ", index.shape(), ", expected ",
                           shape_except(x.shape(), axis), " to match x ", x.shape(),
                           " on every axis but ", axis, "."));
    out[d] = x_full[d] = xd == 1 ? id : xd;
  }
  return gather(x, x.detach().expand(x_full), index.detach().expand(out), axis, out,
                "take_along_axis");
}

Tensor take(const Tensor& x, const Tensor& index, int axis_in) {
  detail::common_device({x, index}, "take");
  expect_index(index, "take");
  const int axis = normalize_axis(axis_in, x.rank(), "take");
  // The index laid along `axis` and broadcast over x's other axes.
  const int64_t count = index.numel();
  Shape along = Shape::filled(x.rank(), 1), gathered = x.shape();
  along[axis] = gathered[axis] = count;
  Tensor idx_full = index.detach().reshape(along).expand(gathered);
  // The result: x's shape with the axis replaced by index's shape.
  Shape y_shape;
  for (int d = 0; d < x.rank(); ++d) {
    if (d != axis) {
      y_shape.push_back(x.shape()[d]);
      continue;
    }
    for (int64_t s : index.shape()) y_shape.push_back(s);
  }
  return gather(x, x, idx_full, axis, y_shape, "take");
}

Tensor concat(const std::vector<Tensor>& xs, int axis_in) {
  if (xs.empty()) throw ValueError("concat: expected at least one tensor, got none.");
  const Tensor& first = xs.front();
  if (first.rank() == 0)
    throw ShapeError("concat: inputs need at least one dimension, got a scalar (input 0).");
  const int axis = normalize_axis(axis_in, first.rank(), "concat");
  Shape shape = first.shape();
  shape[axis] = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const Tensor& x = xs[i];
    if (!(x.device() == first.device()))
      throw ValueError(str("concat: input ", i, " is on ", x.device(), ", input 0 on ",
                           first.device(), "; move one with .to(device)."));
    if (x.dtype() != first.dtype())
      throw ValueError(str("concat: input ", i, " is ", dtype_name(x.dtype()), ", expected ",
                           dtype_name(first.dtype()), " like input 0."));
    bool match = x.rank() == first.rank();
    for (int d = 0; match && d < x.rank(); ++d)
      match = d == axis || x.shape()[d] == first.shape()[d];
    if (!match)
      throw ShapeError(str("concat: input ", i, " has shape ", x.shape(), ", expected ",
                           shape_except(first.shape(), axis), " to match input 0's ", first.shape(),
                           " on every axis but ", axis, "."));
    shape[axis] += x.shape()[axis];
  }
  const bool record = should_record_list(xs);
  if (record && xs.size() > 32) {  // a node holds at most 32 inputs: join in groups
    std::vector<Tensor> parts;
    for (std::size_t i = 0; i < xs.size(); i += 32)
      parts.push_back(concat(
          std::vector<Tensor>(xs.begin() + i, xs.begin() + std::min(i + 32, xs.size())), axis));
    return concat(parts, axis);
  }
  Tensor y = Tensor::empty(shape, {.dtype = first.dtype(), .device = first.device()});
  OpAttrs attrs;
  attrs.axis = axis;
  std::vector<Tensor> inputs;
  inputs.reserve(xs.size());
  for (const Tensor& x : xs) inputs.push_back(x.detach());
  dispatch_list(Op::concat, inputs, y, attrs);
  if (record) {
    std::vector<int64_t> sizes;
    for (const Tensor& x : xs) sizes.push_back(x.shape()[axis]);
    record_list("concat", y, xs, [sizes, axis](const Tensor& g, GradMask need) {
      Grads out(sizes.size());
      int64_t at = 0;
      for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (needs(need, static_cast<int>(i))) out[i] = g.slice(axis, at, at + sizes[i]);
        at += sizes[i];
      }
      return out;
    });
  }
  return y;
}

Tensor stack(const std::vector<Tensor>& xs, int axis_in) {
  if (xs.empty()) throw ValueError("stack: expected at least one tensor, got none.");
  for (std::size_t i = 1; i < xs.size(); ++i)
    if (!(xs[i].shape() == xs[0].shape()))
      throw ShapeError(str("stack: input ", i, " has shape ", xs[i].shape(), ", expected ",
                           xs[0].shape(), " like input 0."));
  const int axis = normalize_axis(axis_in, xs[0].rank() + 1, "stack");
  std::vector<Tensor> grown;
  grown.reserve(xs.size());
  for (const Tensor& x : xs) grown.push_back(x.unsqueeze(axis));
  return concat(grown, axis);
}

std::vector<Tensor> split(const Tensor& x, int sections, int axis_in) {
  const int axis = normalize_axis(axis_in, x.rank(), "split");
  const int64_t n = x.shape()[axis];
  if (sections < 1)
    throw ValueError(str("split: sections must be at least 1, got ", sections, "."));
  if (n % sections != 0)
    throw ShapeError(str("split: axis ", axis, " of ", x.shape(), " has size ", n,
                         ", which does not divide into ", sections, " equal sections."));
  return split_sizes(x, std::vector<int64_t>(sections, n / sections), axis);
}

std::vector<Tensor> split_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int axis_in) {
  const int axis = normalize_axis(axis_in, x.rank(), "split_sizes");
  const int64_t n = x.shape()[axis];
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw ValueError(str("split_sizes: sizes must be non-negative, got ", s, "."));
    total += s;
  }
  if (total != n)
    throw ShapeError(str("split_sizes: sizes add up to ", total, ", expected ", n, " (axis ", axis,
                         " of ", x.shape(), ")."));
  std::vector<Tensor> parts;
  parts.reserve(sizes.size());
  int64_t at = 0;
  for (int64_t s : sizes) {
    parts.push_back(x.slice(axis, at, at + s));
    at += s;
  }
  return parts;
}

Tensor pad(const Tensor& x, const std::vector<std::pair<int64_t, int64_t>>& pads, double value) {
  if (static_cast<int>(pads.size()) != x.rank())
    throw ShapeError(str("pad: expected ", x.rank(), " (before, after) pairs for shape ", x.shape(),
                         ", got ", pads.size(), "."));
  Shape shape = x.shape();
  OpAttrs attrs;
  attrs.alpha = value;
  attrs.pads = Shape::filled(x.rank(), 0);  // the before-padding of each axis
  for (int d = 0; d < x.rank(); ++d) {
    auto [before, after] = pads[d];
    if (before < 0 || after < 0)
      throw ValueError(str("pad: padding must be non-negative, got (", before, ", ", after,
                           ") for axis ", d, "."));
    attrs.pads[d] = before;
    shape[d] += before + after;
  }
  Tensor y = Tensor::empty(shape, {.dtype = x.dtype(), .device = x.device()});
  detail::dispatch(Op::pad, {x}, {y}, attrs);
  if (autograd::should_record({x})) {
    Shape before = attrs.pads, from = x.shape();
    autograd::record("pad", y, {x}, [before, from](const Tensor& g, GradMask) {
      Tensor gx = g;
      for (int d = 0; d < from.rank(); ++d) gx = gx.slice(d, before[d], before[d] + from[d]);
      return Grads{gx};
    });
  }
  return y;
}

}  // namespace mz
