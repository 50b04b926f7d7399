// The Merge family: Keras's shape rule (_compute_elemwise_op_output_shape), rank alignment by
// axes after the batch one, the and of the input masks, and each layer's reduction.
#include "mz/nn/layers/merge.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/shape.h"

namespace mz::layers {
namespace {

std::string shape_text(const Shape& s) {
  std::string out = "(";
  for (int i = 0; i < s.rank(); ++i)
    out += str(i ? ", " : "", s[i] < 0 ? std::string("None") : std::to_string(s[i]));
  return out + (s.rank() == 1 ? ",)" : ")");
}

}  // namespace

Merge::Merge(std::string class_name, MergeOptions options)
    : Layer(std::move(class_name), LayerCommon{.name = std::move(options.name),
                                               .trainable = options.trainable,
                                               .dtype = options.dtype}) {
  supports_masking_ = true;
}

void Merge::check_count(std::size_t n) const {
  if (n < 2)
    throw ValueError(str(who(), ": a merge layer takes a list of at least 2 inputs, got ", n,
                         "."));
}

void Merge::build_multi(const std::vector<Shape>& input_shapes) {
  check_count(input_shapes.size());
  // Keras: trailing axes must agree (or be 1 or unknown on one side).
  for (std::size_t k = 1; k < input_shapes.size(); ++k) {
    const Shape& a = input_shapes[0];
    const Shape& b = input_shapes[k];
    const Shape& longer = a.rank() >= b.rank() ? a : b;
    const Shape& shorter = a.rank() >= b.rank() ? b : a;
    int offset = longer.rank() - shorter.rank();
    for (int i = 1; i < shorter.rank(); ++i) {  // axis 0 is the batch
      int64_t x = longer[i + offset], y = shorter[i];
      if (x < 0 || y < 0 || x == 1 || y == 1 || x == y) continue;
      throw ShapeError(str(who(), ": inputs have incompatible shapes: expected equal dimensions "
                                  "(or 1), got ",
                           shape_text(a), " (input 0) and ", shape_text(b), " (input ", k, ")."));
    }
  }
  mark_built(input_shapes);
}

Tensor Merge::call(const Tensor& x, bool /*training*/) {
  throw ValueError(str(who(), ": a merge layer takes a list of at least 2 inputs, got one tensor ",
                       x.shape(), "."));
}

std::vector<Tensor> Merge::call_multi(const std::vector<Tensor>& xs, bool /*training*/) {
  check_count(xs.size());
  int rank = 0;
  for (const Tensor& x : xs) rank = std::max(rank, x.rank());
  std::vector<Tensor> aligned;
  for (const Tensor& x : xs) {
    Tensor t = x;
    while (t.rank() < rank) t = unsqueeze(t, 1);  // Keras expands after the batch axis
    aligned.push_back(t);
  }
  return {merge(aligned)};
}

std::vector<Tensor> Merge::compute_mask(const std::vector<Tensor>& /*xs*/,
                                        const std::vector<Tensor>& masks) {
  Tensor out;
  for (const Tensor& m : masks) {
    if (!m.defined()) continue;
    out = out.defined() ? minimum(out, m) : m;  // uint8 0/1: the minimum is the and
  }
  return {out};
}

Tensor Add::merge(const std::vector<Tensor>& xs) const {
  Tensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = out + xs[i];
  return out;
}

void Subtract::check_count(std::size_t n) const {
  if (n != 2)
    throw ValueError(str(who(), ": Subtract takes exactly 2 inputs, got ", n, "."));
}

Tensor Subtract::merge(const std::vector<Tensor>& xs) const { return xs[0] - xs[1]; }

Tensor Multiply::merge(const std::vector<Tensor>& xs) const {
  Tensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = out * xs[i];
  return out;
}

Tensor Average::merge(const std::vector<Tensor>& xs) const {
  Tensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = out + xs[i];
  return out * (1.0 / static_cast<double>(xs.size()));
}

Tensor Maximum::merge(const std::vector<Tensor>& xs) const {
  Tensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = maximum(out, xs[i]);
  return out;
}

Tensor Minimum::merge(const std::vector<Tensor>& xs) const {
  Tensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = minimum(out, xs[i]);
  return out;
}

MergeOptions merge_options_from_config(const Json& config, const std::string& who) {
  LayerCommon common = layer_common_from_config(config, who);
  return {.name = common.name, .trainable = common.trainable, .dtype = common.dtype};
}

std::shared_ptr<Add> Add::from_config(const Json& c) {
  return std::make_shared<Add>(merge_options_from_config(c, "Add.from_config"));
}
std::shared_ptr<Subtract> Subtract::from_config(const Json& c) {
  return std::make_shared<Subtract>(merge_options_from_config(c, "Subtract.from_config"));
}
std::shared_ptr<Multiply> Multiply::from_config(const Json& c) {
  return std::make_shared<Multiply>(merge_options_from_config(c, "Multiply.from_config"));
}
std::shared_ptr<Average> Average::from_config(const Json& c) {
  return std::make_shared<Average>(merge_options_from_config(c, "Average.from_config"));
}
std::shared_ptr<Maximum> Maximum::from_config(const Json& c) {
  return std::make_shared<Maximum>(merge_options_from_config(c, "Maximum.from_config"));
}
std::shared_ptr<Minimum> Minimum::from_config(const Json& c) {
  return std::make_shared<Minimum>(merge_options_from_config(c, "Minimum.from_config"));
}

}  // namespace mz::layers
