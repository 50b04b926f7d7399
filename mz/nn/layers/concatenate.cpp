// Concatenate: shape checks naming every input shape, mz::concat, and the masks.
#include "mz/nn/layers/concatenate.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"

namespace mz::layers {
namespace {

std::string shapes_text(const std::vector<Shape>& shapes) {
  std::string out = "[";
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    out += k ? ", (" : "(";
    for (int i = 0; i < shapes[k].rank(); ++i)
      out += str(i ? ", " : "", shapes[k][i] < 0 ? std::string("None")
                                                 : std::to_string(shapes[k][i]));
    out += shapes[k].rank() == 1 ? ",)" : ")";
  }
  return out + "]";
}

}  // namespace

Concatenate::Concatenate(int axis, MergeOptions options)
    : Layer("Concatenate", LayerCommon{.name = std::move(options.name),
                                       .trainable = options.trainable,
                                       .dtype = options.dtype}),
      axis_(axis) {
  supports_masking_ = true;
}

void Concatenate::build_multi(const std::vector<Shape>& shapes) {
  if (shapes.size() < 2)
    throw ValueError(str(who(), ": takes a list of at least 2 inputs, got ", shapes.size(), "."));
  const int rank = shapes[0].rank();
  const int axis = axis_ < 0 ? axis_ + rank : axis_;
  bool ok = axis >= 1 && axis < rank;
  for (const Shape& s : shapes) {
    if (s.rank() != rank) ok = false;
    for (int i = 1; ok && i < rank; ++i)
      if (i != axis && s[i] >= 0 && shapes[0][i] >= 0 && s[i] != shapes[0][i]) ok = false;
  }
  if (!ok)
    throw ShapeError(str(who(), ": inputs must match in shape except on the concatenation axis (",
                         axis_, "): got ", shapes_text(shapes), "."));
  mark_built(shapes);
}

std::vector<Tensor> Concatenate::call_multi(const std::vector<Tensor>& xs, bool /*training*/) {
  if (xs.size() < 2)
    throw ValueError(str(who(), ": takes a list of at least 2 inputs, got ", xs.size(), "."));
  const int rank = xs[0].rank();
  return {concat(xs, axis_ < 0 ? axis_ + rank : axis_)};
}

std::vector<Tensor> Concatenate::compute_mask(const std::vector<Tensor>& xs,
                                              const std::vector<Tensor>& masks) {
  bool any = false;
  for (const Tensor& m : masks) any = any || m.defined();
  if (!any) return {Tensor{}};
  const int rank = xs[0].rank();
  const int axis = axis_ < 0 ? axis_ + rank : axis_;
  if (axis == 1 && rank >= 2) {  // along the time axis: the masks join, missing ones all 1
    std::vector<Tensor> parts;
    for (std::size_t k = 0; k < xs.size(); ++k)
      parts.push_back(masks[k].defined()
                          ? masks[k]
                          : ones({xs[k].size(0), xs[k].size(1)}, {.dtype = DType::u8}));
    return {concat(parts, 1)};
  }
  Tensor out;  // along features: a step is real where every input's is
  for (const Tensor& m : masks)
    if (m.defined()) out = out.defined() ? minimum(out, m) : m;
  return {out};
}

Json Concatenate::config() const {
  Json c = Layer::config();
  c["axis"] = axis_;
  return c;
}

std::shared_ptr<Concatenate> Concatenate::from_config(const Json& config) {
  const std::string who = "Concatenate.from_config";
  return std::make_shared<Concatenate>(config_get(config, "axis", -1, who),
                                       merge_options_from_config(config, who));
}

}  // namespace mz::layers
