// Dot: Keras's batch_dot through one batched matmul: the contracted axis of the first input
// moves last, that of the second moves after the batch one.
#include "mz/nn/layers/dot.h"

#include "mz/ops/arith.h"
#include "mz/ops/linalg.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::layers {
namespace {

// x / sqrt(max(sum(x^2 along axis), 1e-12)) (Keras's l2_normalize).
Tensor l2_normalize(const Tensor& x, int axis) {
  Tensor norm2 = sum(square(x), {axis}, /*keepdims=*/true);
  return x * rsqrt(clip(norm2, 1e-12, std::numeric_limits<double>::infinity()));
}

// Moves `axis` of x to position `to`, keeping the others in order.
Tensor move_axis(const Tensor& x, int axis, int to) {
  std::vector<int> order;
  for (int i = 0; i < x.rank(); ++i)
    if (i != axis) order.push_back(i);
  order.insert(order.begin() + to, axis);
  return permute(x, order);
}

}  // namespace

Dot::Dot(int axes, bool normalize, MergeOptions options)
    : Layer("Dot", LayerCommon{.name = std::move(options.name),
                               .trainable = options.trainable,
                               .dtype = options.dtype}),
      axes_{axes, axes},
      single_axis_(true),
      normalize_(normalize) {}

Dot::Dot(std::array<int, 2> axes, bool normalize, MergeOptions options)
    : Layer("Dot", LayerCommon{.name = std::move(options.name),
                               .trainable = options.trainable,
                               .dtype = options.dtype}),
      axes_(axes),
      single_axis_(false),
      normalize_(normalize) {}

std::array<int, 2> Dot::resolve(int rank0, int rank1) const {
  auto fix = [](int axis, int rank) { return axis < 0 ? ((axis % rank) + rank) % rank : axis; };
  return {fix(axes_[0], rank0), fix(axes_[1], rank1)};
}

void Dot::build_multi(const std::vector<Shape>& shapes) {
  if (shapes.size() != 2)
    throw ValueError(str(who(), ": takes exactly 2 inputs, got ", shapes.size(), "."));
  const Shape& a = shapes[0];
  const Shape& b = shapes[1];
  if (a.rank() < 2 || b.rank() < 2)
    throw ShapeError(str(who(), ": inputs need a batch axis and at least one more: got ", a,
                         " and ", b, "."));
  auto [a0, a1] = resolve(a.rank(), b.rank());
  if (a0 == 0 || a1 == 0 || a0 >= a.rank() || a1 >= b.rank())
    throw ValueError(str(who(), ": axes (", axes_[0], ", ", axes_[1],
                         ") must name non-batch axes of inputs of ranks ", a.rank(), " and ",
                         b.rank(), "."));
  if (a[a0] >= 0 && b[a1] >= 0 && a[a0] != b[a1])
    throw ShapeError(str(who(), ": the dot axes differ in length: ", a, " axis ", a0, " has ",
                         a[a0], ", ", b, " axis ", a1, " has ", b[a1], "."));
  mark_built(shapes);
}

std::vector<Tensor> Dot::call_multi(const std::vector<Tensor>& xs, bool /*training*/) {
  if (xs.size() != 2)
    throw ValueError(str(who(), ": takes exactly 2 inputs, got ", xs.size(), "."));
  auto [a0, a1] = resolve(xs[0].rank(), xs[1].rank());
  Tensor x = normalize_ ? l2_normalize(xs[0], a0) : xs[0];
  Tensor y = normalize_ ? l2_normalize(xs[1], a1) : xs[1];
  const int64_t batch = x.size(0), k = x.size(a0);
  x = move_axis(x, a0, x.rank() - 1);  // (B, rest0..., K)
  y = move_axis(y, a1, 1);             // (B, K, rest1...)
  Shape out = {batch};
  int64_t p = 1, q = 1;
  for (int i = 1; i + 1 < x.rank(); ++i) out.push_back(x.size(i)), p *= x.size(i);
  for (int i = 2; i < y.rank(); ++i) out.push_back(y.size(i)), q *= y.size(i);
  Tensor r = matmul(reshape(x, {batch, p, k}), reshape(y, {batch, k, q}));
  if (out.rank() == 1) out.push_back(1);  // Keras: (batch,) becomes (batch, 1)
  return {reshape(r, out)};
}

Json Dot::config() const {
  Json c = Layer::config();
  c["axes"] = single_axis_ ? Json(axes_[0]) : Json::array({axes_[0], axes_[1]});
  c["normalize"] = normalize_;
  return c;
}

std::shared_ptr<Dot> Dot::from_config(const Json& config) {
  const std::string who = "Dot.from_config";
  if (!config.is_object() || !config.contains("axes"))
    throw ValueError(str(who, ": config needs \"axes\", got ", config.dump(), "."));
  const Json& axes = config["axes"];
  bool normalize = config_get(config, "normalize", false, who);
  MergeOptions options = merge_options_from_config(config, who);
  if (axes.is_number_integer())
    return std::make_shared<Dot>(axes.get<int>(), normalize, std::move(options));
  if (axes.is_array() && axes.size() == 2 && axes[0].is_number_integer() &&
      axes[1].is_number_integer())
    return std::make_shared<Dot>(std::array<int, 2>{axes[0].get<int>(), axes[1].get<int>()},
                                 normalize, std::move(options));
  throw ValueError(str(who, ": config \"axes\": expected an integer or a list of two, got ",
                       axes.dump(), "."));
}

}  // namespace mz::layers
