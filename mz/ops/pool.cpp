// Pooling ops: the geometry (TF's "valid"/"same" rule), the kernel calls and the gradients.
// The gradients are the max_pool_grad and avg_pool_grad kernels (first-order only: backward
// runs without recording).
#include "mz/ops/pool.h"

#include <algorithm>
#include <cctype>

#include "mz/autograd/node.h"
#include "mz/ops/dispatch.h"

namespace mz {
namespace {

using autograd::GradMask;
using autograd::Grads;

// Window, steps and padding before, per spatial axis, and the output shape.
struct Geometry {
  OpAttrs attrs;
  Shape out;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One value per spatial axis from `values` (1 value: all axes); throws ValueError otherwise.
Shape per_axis(const std::vector<int64_t>& values, int spatial, const char* what,
               const std::string& who) {
  if (static_cast<int>(values.size()) != 1 && static_cast<int>(values.size()) != spatial)
    throw ValueError(str(who, ": ", what, " needs 1 or ", spatial,
                         " values (one per spatial axis): expected ", spatial, ", got ",
                         values.size(), "."));
  Shape s;
  for (int i = 0; i < spatial; ++i) {
    int64_t v = values.size() == 1 ? values[0] : values[i];
    if (v < 1)
      throw ValueError(str(who, ": ", what, " must be positive: expected values >= 1, got ",
                           Shape(values), "."));
    s.push_back(v);
  }
  return s;
}

Geometry resolve(const Shape& x, const std::vector<int64_t>& pool_size,
                 const std::vector<int64_t>& strides_in, const std::string& padding_in,
                 const std::string& who) {
  if (x.rank() < 3 || x.rank() > 5)
    throw ShapeError(str(who,
                         ": input must be (batch, spatial..., channels) with 1 to 3 spatial "
                         "axes: expected rank 3, 4 or 5, got ",
                         x, "."));
  const std::string padding = lower(padding_in);
  if (padding != "valid" && padding != "same")
    throw ValueError(
        str(who, ": padding must be \"valid\" or \"same\", got \"", padding_in, "\"."));
  const int spatial = x.rank() - 2;
  Geometry g;
  g.attrs.window = per_axis(pool_size, spatial, "pool_size", who);
  g.attrs.strides = per_axis(strides_in.empty() ? pool_size : strides_in, spatial, "strides", who);
  g.attrs.pads = Shape::filled(spatial, 0);
  g.out = x;
  for (int i = 0; i < spatial; ++i) {
    const int64_t n = x[i + 1], k = g.attrs.window[i], s = g.attrs.strides[i];
    if (n < 0) {
      g.out[i + 1] = -1;
    } else if (padding == "valid") {
      if (k > n)
        throw ShapeError(str(who, ": pool_size is larger than the input on spatial axis ", i,
                             " with \"valid\" padding: expected pool_size <= ", n, ", got ", k,
                             " (input ", x, "). Use padding \"same\" or a smaller pool_size."));
      g.out[i + 1] = (n - k) / s + 1;
    } else {
      // TF's SAME: out = ceil(n / s); the padding needed is split, the extra one after.
      const int64_t out = (n + s - 1) / s;
      const int64_t total = std::max<int64_t>((out - 1) * s + k - n, 0);
      g.out[i + 1] = out;
      g.attrs.pads[i] = total / 2;
    }
  }
  return g;
}

// avg_pool's adjoint: spreads each output gradient evenly over its window's input cells.
Tensor pool_grad_avg(const Tensor& g, const Shape& x_shape, const OpAttrs& attrs) {
  Tensor dx = Tensor::empty(x_shape, {.dtype = g.dtype(), .device = g.device()});
  detail::dispatch(Op::avg_pool_grad, {g.detach()}, {dx}, attrs);
  return dx;
}

}  // namespace

Shape pool_output_shape(const Shape& x_shape, const std::vector<int64_t>& pool_size,
                        const std::vector<int64_t>& strides, const std::string& padding,
                        const std::string& who) {
  return resolve(x_shape, pool_size, strides, padding, who).out;
}

Tensor max_pool(const Tensor& x, const std::vector<int64_t>& pool_size,
                const std::vector<int64_t>& strides, const std::string& padding) {
  detail::expect_floating(x, "max_pool");
  Geometry geo = resolve(x.shape(), pool_size, strides, padding, "max_pool");
  Tensor y = Tensor::empty(geo.out, {.dtype = x.dtype(), .device = x.device()});
  detail::dispatch(Op::max_pool, {x.detach()}, {y}, geo.attrs);
  if (autograd::should_record({x})) {
    Tensor xd = x.detach();
    OpAttrs attrs = geo.attrs;
    autograd::record("max_pool", y, {x}, [xd, attrs](const Tensor& g, GradMask) {
      Tensor dx = Tensor::empty(xd.shape(), {.dtype = g.dtype(), .device = g.device()});
      detail::dispatch(Op::max_pool_grad, {xd, g.detach()}, {dx}, attrs);
      return Grads{dx};
    });
  }
  return y;
}

Tensor avg_pool(const Tensor& x, const std::vector<int64_t>& pool_size,
                const std::vector<int64_t>& strides, const std::string& padding) {
  detail::expect_floating(x, "avg_pool");
  Geometry geo = resolve(x.shape(), pool_size, strides, padding, "avg_pool");
  Tensor y = Tensor::empty(geo.out, {.dtype = x.dtype(), .device = x.device()});
  detail::dispatch(Op::avg_pool, {x.detach()}, {y}, geo.attrs);
  if (autograd::should_record({x})) {
    Shape from = x.shape();
    OpAttrs attrs = geo.attrs;
    autograd::record("avg_pool", y, {x}, [from, attrs](const Tensor& g, GradMask) {
      return Grads{pool_grad_avg(g, from, attrs)};
    });
  }
  return y;
}

}  // namespace mz
