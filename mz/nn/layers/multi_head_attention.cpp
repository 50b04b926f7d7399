// MultiHeadAttention: Keras 3's einsum equations (_build_proj_equation,
// _build_attention_equation) spelled as permute + reshape + matmul, so autograd needs no new
// kernel; Keras's mask rules (_compute_attention_mask, _masked_softmax) and config.
#include "mz/nn/layers/multi_head_attention.h"

#include <algorithm>
#include <cmath>

#include "mz/nn/layers/attention_common.h"
#include "mz/ops/ops.h"

namespace mz::layers {
namespace {

using detail::attention_shape_text;
using detail::dims_differ;
using detail::float_mask;

int64_t product(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

// Keras's EinsumDense "ab...c,cde->ab...de": x (batch, ..., d) times kernel (d, n, h) plus
// bias (n, h) -> (batch, ..., n, h).
Tensor project_in(const Tensor& x, const VariablePtr& kernel, const VariablePtr& bias) {
  const Shape& ks = kernel->value.shape();
  Tensor y = matmul(x, reshape(kernel->value, {ks[0], ks[1] * ks[2]}));
  Shape out = x.shape();
  out[out.rank() - 1] = ks[1];
  out.push_back(ks[2]);
  y = reshape(y, out);
  return bias ? y + bias->value : y;
}

// The list of an int or a list of ints from a config value ("output_shape", "attention_axes");
// empty for null.
template <class T>
std::vector<T> int_list(const Json& config, const char* key, const std::string& who) {
  std::vector<T> out;
  if (!config.contains(key) || config[key].is_null()) return out;
  const Json& v = config[key];
  if (v.is_number_integer()) return {v.get<T>()};
  if (v.is_array()) {
    for (const Json& e : v) {
      if (!e.is_number_integer())
        throw ValueError(str(who, ": config \"", key,
                             "\": expected an integer or a list of integers, got ", v.dump(), "."));
      out.push_back(e.get<T>());
    }
    return out;
  }
  throw ValueError(str(who, ": config \"", key,
                       "\": expected an integer or a list of integers, got ", v.dump(), "."));
}

}  // namespace

MultiHeadAttention::MultiHeadAttention(int64_t num_heads, int64_t key_dim,
                                       MultiHeadAttentionOptions options)
    : Layer("MultiHeadAttention", LayerCommon{.name = std::move(options.name),
                                              .trainable = options.trainable,
                                              .dtype = options.dtype}),
      num_heads_(num_heads),
      key_dim_(key_dim),
      value_dim_(options.value_dim && *options.value_dim > 0 ? *options.value_dim : key_dim),
      dropout_(options.dropout),
      use_bias_(options.use_bias),
      output_shape_(std::move(options.output_shape)),
      attention_axes_(std::move(options.attention_axes)),
      axes_(attention_axes_),
      kernel_initializer_(options.kernel_initializer.get()),
      bias_initializer_(options.bias_initializer.get()),
      kernel_regularizer_(options.kernel_regularizer.get()),
      bias_regularizer_(options.bias_regularizer.get()),
      kernel_constraint_(options.kernel_constraint.get()),
      bias_constraint_(options.bias_constraint.get()),
      seed_(options.seed) {
  if (num_heads_ < 1)
    throw ValueError(
        str(who(), ": num_heads must be positive: expected num_heads >= 1, got ", num_heads_, "."));
  if (key_dim_ < 1)
    throw ValueError(
        str(who(), ": key_dim must be positive: expected key_dim >= 1, got ", key_dim_, "."));
  if (!(dropout_ >= 0.0 && dropout_ < 1.0))
    throw ValueError(
        str(who(), ": dropout must be in [0, 1): expected 0 <= dropout < 1, got ", dropout_, "."));
  for (int64_t d : output_shape_)
    if (d < 1)
      throw ValueError(str(who(), ": output_shape dimensions must be positive, got ",
                           Shape(output_shape_), "."));
  for (int axis : attention_axes_)
    if (axis == 0)
      throw ValueError(str(who(),
                           ": attention_axes cannot hold the batch axis: expected axes between "
                           "the batch and the feature ones, got 0."));
  if (!kernel_initializer_) kernel_initializer_ = get_initializer("glorot_uniform");
  if (!bias_initializer_) bias_initializer_ = get_initializer("zeros");
  activity_regularizer_ = options.activity_regularizer.get();
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
  supports_masking_ = true;
}

void MultiHeadAttention::validate_shapes(const std::vector<Shape>& shapes) const {
  if (shapes.size() < 2 || shapes.size() > 3)
    detail::throw_not_input_list(who(), "inputs", std::to_string(shapes.size()));
  const Shape& q = shapes[0];
  const Shape& v = shapes[1];
  const Shape& k = shapes.size() > 2 ? shapes[2] : v;
  if (q.rank() < 3)
    throw ShapeError(str(who(), ": query must have rank >= 3: expected (batch, Tq..., dim), got ",
                         attention_shape_text(q), "."));
  const char* names[] = {"query", "value", "key"};
  for (std::size_t i = 1; i < shapes.size(); ++i)
    if (shapes[i].rank() != q.rank())
      throw ShapeError(str(who(), ": ", names[i], " must have the query's rank: expected rank ",
                           q.rank(), " (query ", attention_shape_text(q), "), got ",
                           attention_shape_text(shapes[i]), "."));
  for (int i = 0; i < v.rank() - 1; ++i)
    if (dims_differ(v[i], k[i]))
      throw ShapeError(str(who(),
                           ": value and key must have the same dimensions except the last one: "
                           "got value ",
                           attention_shape_text(v), " and key ", attention_shape_text(k), "."));
  for (std::size_t i = 0; i < axes_.size(); ++i) {
    if (axes_[i] < 1 || axes_[i] > q.rank() - 2)
      throw ValueError(str(who(),
                           ": attention_axes must name axes between the batch and the "
                           "feature ones: expected axes in 1..",
                           q.rank() - 2, " (or -", q.rank() - 1, "..-2) for query ",
                           attention_shape_text(q), ", got ", attention_axes_[i], "."));
    for (std::size_t j = 0; j < i; ++j)
      if (axes_[i] == axes_[j])
        throw ValueError(str(who(), ": attention_axes names axis ", axes_[i], " twice, got ",
                             Json(attention_axes_).dump(), "."));
  }
  // Axes outside the attention ones (batch included) pair query and key element by element.
  for (int i = 0; i < q.rank() - 1; ++i) {
    if (std::find(axes_.begin(), axes_.end(), i) != axes_.end()) continue;
    if (i > 0 && axes_.empty()) continue;  // before build: every middle axis attends
    if (dims_differ(q[i], k[i]))
      throw ShapeError(str(who(), ": query and key must agree on axis ", i,
                           " (not an attention axis): expected ", q[i], " (query ",
                           attention_shape_text(q), "), got ", k[i], " (key ",
                           attention_shape_text(k), ")."));
  }
}

void MultiHeadAttention::add_projection(const std::string& sublayer, const Shape& kernel_shape,
                                        const Shape& bias_shape, VariablePtr* kernel,
                                        VariablePtr* bias) {
  // Keras's EinsumDense sublayer: variables "kernel" and "bias" under "<layer>/<sublayer>/".
  *kernel = add_weight("kernel", kernel_shape, kernel_initializer_, true, kernel_regularizer_,
                       kernel_constraint_);
  (*kernel)->path = str(name(), "/", sublayer, "/kernel");
  if (!use_bias_) return;
  *bias =
      add_weight("bias", bias_shape, bias_initializer_, true, bias_regularizer_, bias_constraint_);
  (*bias)->path = str(name(), "/", sublayer, "/bias");
}

void MultiHeadAttention::build_multi(const std::vector<Shape>& input_shapes) {
  // Keras's _build_attention: negative axes count from the query's rank; none means every
  // axis between the batch and the feature ones.
  const int query_rank = input_shapes.empty() ? 0 : input_shapes[0].rank();
  axes_ = attention_axes_;
  for (int& axis : axes_)
    if (axis < 0) axis += query_rank;
  if (axes_.empty() && query_rank >= 3)
    for (int i = 1; i <= query_rank - 2; ++i) axes_.push_back(i);
  try {
    validate_shapes(input_shapes);
  } catch (...) {
    axes_ = attention_axes_;
    throw;
  }
  const Shape& q = input_shapes[0];
  const Shape& v = input_shapes[1];
  const Shape& k = input_shapes.size() > 2 ? input_shapes[2] : v;
  const char* names[] = {"query", "value", "key"};
  const Shape* all[] = {&q, &v, &k};
  for (int i = 0; i < 3; ++i)
    if (all[i]->back() < 1)
      throw ShapeError(str(who(), ": the ", names[i],
                           "'s last dimension must be known: expected a positive size, got ",
                           attention_shape_text(*all[i]), "."));
  const int64_t n = num_heads_;
  add_projection("query", {q.back(), n, key_dim_}, {n, key_dim_}, &query_kernel_, &query_bias_);
  add_projection("key", {k.back(), n, key_dim_}, {n, key_dim_}, &key_kernel_, &key_bias_);
  add_projection("value", {v.back(), n, value_dim_}, {n, value_dim_}, &value_kernel_, &value_bias_);
  std::vector<int64_t> out = output_shape_.empty() ? std::vector<int64_t>{q.back()} : output_shape_;
  std::vector<int64_t> kernel{n, value_dim_};
  kernel.insert(kernel.end(), out.begin(), out.end());
  add_projection("attention_output", Shape(kernel), Shape(out), &output_kernel_, &output_bias_);
  mark_built(input_shapes);
}

Tensor MultiHeadAttention::call(const Tensor& x, bool /*training*/) {
  detail::throw_not_input_list(who(), "inputs", "one tensor " + attention_shape_text(x.shape()));
}

std::vector<Tensor> MultiHeadAttention::operator()(const std::vector<Tensor>& inputs,
                                                   const MultiHeadAttentionCallOptions& options) {
  std::vector<Tensor> masks{options.query_mask, options.value_mask};
  if (inputs.size() > 2) masks.push_back(options.key_mask);
  if (masks.size() != inputs.size()) masks.resize(inputs.size());
  // The call options reach call_multi/call_masked through pending_ for this call only.
  struct Reset {
    std::optional<MultiHeadAttentionCallOptions>& pending;
    ~Reset() { pending.reset(); }
  } reset{pending_};
  pending_ = options;
  return call_with_masks(inputs, masks, options.training, nullptr);
}

std::vector<Tensor> MultiHeadAttention::call_multi(const std::vector<Tensor>& xs, bool training) {
  return attend(xs, {}, training);
}

std::vector<Tensor> MultiHeadAttention::call_masked(const std::vector<Tensor>& xs,
                                                    const std::vector<Tensor>& masks,
                                                    bool training) {
  return attend(xs, masks, training);
}

Tensor MultiHeadAttention::attention_mask(const Tensor& query, const Tensor& value,
                                          const std::vector<Tensor>& masks) const {
  const DType dt = query.dtype();
  Tensor key_mask = masks.size() > 2 ? masks[2] : Tensor();
  if (!key_mask.defined() && pending_) key_mask = pending_->key_mask;
  // The step masks must be the inputs' shapes without the feature axis.
  auto check_steps = [&](const Tensor& m, const Tensor& x, const char* what) {
    Shape expected = x.shape();
    expected = Shape(std::vector<int64_t>(expected.begin(), expected.end() - 1));
    if (!(m.shape() == expected))
      throw ShapeError(str(who(), ": the ", what, " mask must be the ", what,
                           "'s shape without its last axis: expected ",
                           attention_shape_text(expected), ", got ",
                           attention_shape_text(m.shape()), "."));
  };
  Tensor mask;  // Keras's auto_mask, as 0.0/1.0
  auto and_with = [&](const Tensor& m) { mask = mask.defined() ? mask * m : m; };
  if (!masks.empty() && masks[0].defined()) {
    check_steps(masks[0], query, "query");
    and_with(unsqueeze(float_mask(masks[0], dt), -1));  // (batch, Tq, 1)
  }
  if (masks.size() > 1 && masks[1].defined()) {
    check_steps(masks[1], value, "value");
    and_with(unsqueeze(float_mask(masks[1], dt), -2));  // (batch, 1, Tv)
  }
  if (key_mask.defined()) {
    check_steps(key_mask, value, "key");
    and_with(unsqueeze(float_mask(key_mask, dt), -2));  // (batch, 1, Tv)
  }
  if (pending_ && pending_->use_causal_mask) {
    // (1, Tq, Tv): query step i sees key steps j <= i (Keras's _compute_causal_mask).
    and_with(detail::causal_mask(query.shape()[1], value.shape()[1], dt, query.device()));
  }
  if (pending_ && pending_->attention_mask.defined())
    and_with(float_mask(pending_->attention_mask, dt));
  return mask;
}

std::vector<Tensor> MultiHeadAttention::attend(const std::vector<Tensor>& xs,
                                               const std::vector<Tensor>& masks, bool training) {
  std::vector<Shape> shapes;
  for (const Tensor& x : xs) shapes.push_back(x.shape());
  validate_shapes(shapes);
  const Tensor& query = xs[0];
  const Tensor& value = xs[1];
  const Tensor& key = xs.size() > 2 ? xs[2] : value;
  const VariablePtr* kernels[] = {&query_kernel_, &value_kernel_, &key_kernel_};
  const char* names[] = {"query", "value", "key"};
  const Tensor* inputs[] = {&query, &value, &key};
  for (int i = 0; i < 3; ++i) {
    const Shape& ks = (*kernels[i])->value.shape();
    if (inputs[i]->shape().back() != ks[0])
      throw ShapeError(str(who(), ": ", names[i], " last dimension is ", inputs[i]->shape().back(),
                           ", but the layer was built for ", ks[0], " (", names[i], "/kernel ", ks,
                           ")."));
  }
  Tensor mask = attention_mask(query, value, masks);

  // Projections: (batch, T..., N, key_dim) and (batch, S..., N, value_dim); Keras scales the
  // query by 1 / sqrt(key_dim) before the dot product.
  Tensor q = project_in(query, query_kernel_, query_bias_) *
             (1.0 / std::sqrt(static_cast<double>(key_dim_)));
  Tensor k = project_in(key, key_kernel_, key_bias_);
  Tensor v = project_in(value, value_kernel_, value_bias_);

  // Keras's _build_attention_equation: batch-like axes (batch, the non-attention axes, heads)
  // first in order, then the attention axes as given, then the feature axis.
  const int r = q.rank();
  std::vector<int> batch_axes, perm;
  for (int i = 0; i < r - 1; ++i)
    if (std::find(axes_.begin(), axes_.end(), i) == axes_.end()) batch_axes.push_back(i);
  perm = batch_axes;
  perm.insert(perm.end(), axes_.begin(), axes_.end());
  perm.push_back(r - 1);
  std::vector<int64_t> batch_dims, q_steps, k_steps;
  for (int a : batch_axes) batch_dims.push_back(q.shape()[a]);
  for (int a : axes_) q_steps.push_back(q.shape()[a]), k_steps.push_back(k.shape()[a]);
  const int64_t p = product(batch_dims), tq = product(q_steps), tk = product(k_steps);
  auto flat = [&](const Tensor& x, int64_t steps) {
    return reshape(permute(x, perm), {p, steps, x.shape()[r - 1]});
  };
  Tensor qf = flat(q, tq), kf = flat(k, tk), vf = flat(v, tk);

  // Scores (batch dims..., Tq..., Tk...) as Keras returns them.
  std::vector<int64_t> full = batch_dims;
  full.insert(full.end(), q_steps.begin(), q_steps.end());
  full.insert(full.end(), k_steps.begin(), k_steps.end());
  Tensor scores = reshape(matmul(qf, transpose(kf, 1, 2)), Shape(full));
  if (mask.defined()) {
    // Keras's _masked_softmax: new axes before the query's attention axes (the heads' place).
    const int n_axes = static_cast<int>(axes_.size());
    while (mask.rank() < scores.rank()) mask = unsqueeze(mask, mask.rank() - 2 * n_axes);
    bool fits = mask.rank() == scores.rank();
    for (int i = 0; fits && i < mask.rank(); ++i)
      fits = mask.shape()[i] == 1 || mask.shape()[i] == scores.shape()[i];
    if (!fits)
      throw ShapeError(str(who(),
                           ": the attention mask does not fit the attention scores: expected "
                           "a shape broadcastable to ",
                           attention_shape_text(scores.shape()), " (batch, heads, Tq, Tk), got ",
                           attention_shape_text(pending_ && pending_->attention_mask.defined()
                                                    ? pending_->attention_mask.shape()
                                                    : mask.shape()),
                           "."));
    // Keras's Softmax(mask): scores + (1 - mask) * -1e9, then the softmax.
    scores = scores + (1.0 - mask) * -1.0e9;
  }
  Tensor probs = reshape(softmax(reshape(scores, {p, tq, tk}), -1), Shape(full));
  Tensor used = detail::attention_dropout(probs, dropout_, training, generator_);

  // Weighted sum of values, back to (batch, T..., N, value_dim).
  std::vector<int64_t> ctx_dims = batch_dims;
  ctx_dims.insert(ctx_dims.end(), q_steps.begin(), q_steps.end());
  ctx_dims.push_back(value_dim_);
  Tensor ctx = reshape(matmul(reshape(used, {p, tq, tk}), vf), Shape(ctx_dims));
  std::vector<int> inverse(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i)
    inverse[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
  ctx = permute(ctx, inverse);

  // Keras's output EinsumDense "ab...cd,cde->ab...e": (batch, T..., N * value_dim) times the
  // kernel flattened to (N * value_dim, prod(output_shape)).
  const Shape& ks = output_kernel_->value.shape();
  std::vector<int64_t> out_dims(ks.begin() + 2, ks.end());
  Shape lead = query.shape();
  std::vector<int64_t> flat_in(lead.begin(), lead.end() - 1), out_shape = flat_in;
  flat_in.push_back(num_heads_ * value_dim_);
  out_shape.insert(out_shape.end(), out_dims.begin(), out_dims.end());
  Tensor out = matmul(reshape(ctx, Shape(flat_in)),
                      reshape(output_kernel_->value, {num_heads_ * value_dim_, product(out_dims)}));
  out = reshape(out, Shape(out_shape));
  if (output_bias_) out = out + output_bias_->value;
  if (pending_ && pending_->return_attention_scores) return {out, probs};
  return {out};
}

std::vector<Tensor> MultiHeadAttention::compute_mask(const std::vector<Tensor>& /*xs*/,
                                                     const std::vector<Tensor>& masks) {
  return {masks.empty() ? Tensor() : masks[0]};
}

Shape MultiHeadAttention::compute_output_shape(const Shape& input_shape) {
  detail::throw_not_input_list(who(), "input shapes", "one " + attention_shape_text(input_shape));
}

std::vector<Shape> MultiHeadAttention::compute_output_shapes(
    const std::vector<Shape>& input_shapes) {
  // Building resolves the attention axes (and checks the shapes), as Layer's default does.
  std::vector<Shape> batchless = input_shapes;
  for (Shape& s : batchless)
    if (s.rank() > 0) s[0] = -1;
  maybe_build(batchless);
  validate_shapes(input_shapes);
  const Shape& q = input_shapes[0];
  const Shape& v = input_shapes[1];
  std::vector<int64_t> out(q.begin(), q.end() - 1);
  if (output_shape_.empty())
    out.push_back(q.back());
  else
    out.insert(out.end(), output_shape_.begin(), output_shape_.end());
  std::vector<Shape> shapes{Shape(out)};
  if (pending_ && pending_->return_attention_scores) {
    const std::vector<int>& axes = axes_;
    std::vector<int64_t> s;
    for (int i = 0; i < q.rank() - 1; ++i)
      if (std::find(axes.begin(), axes.end(), i) == axes.end()) s.push_back(q[i]);
    s.push_back(num_heads_);
    for (int a : axes) s.push_back(q[a]);
    for (int a : axes) s.push_back(v[a]);
    shapes.push_back(Shape(s));
  }
  return shapes;
}

Json MultiHeadAttention::config() const {
  Json c = Layer::config();
  c["num_heads"] = num_heads_;
  c["key_dim"] = key_dim_;
  c["value_dim"] = value_dim_;
  c["dropout"] = dropout_;
  c["use_bias"] = use_bias_;
  c["output_shape"] = output_shape_.empty() ? Json(nullptr) : Json(output_shape_);
  c["attention_axes"] = attention_axes_.empty() ? Json(nullptr) : Json(attention_axes_);
  c["kernel_initializer"] = initializer_to_config(kernel_initializer_);
  c["bias_initializer"] = initializer_to_config(bias_initializer_);
  c["kernel_regularizer"] = regularizer_to_config(kernel_regularizer_);
  c["bias_regularizer"] = regularizer_to_config(bias_regularizer_);
  c["activity_regularizer"] = regularizer_to_config(activity_regularizer_);
  c["kernel_constraint"] = constraint_to_config(kernel_constraint_);
  c["bias_constraint"] = constraint_to_config(bias_constraint_);
  c["seed"] = seed_ ? Json(*seed_) : Json(nullptr);
  return c;
}

std::shared_ptr<MultiHeadAttention> MultiHeadAttention::from_config(const Json& config) {
  const std::string who = "MultiHeadAttention.from_config";
  if (!config.is_object() || !config.contains("num_heads") || !config.contains("key_dim"))
    throw ValueError(
        str(who, ": config needs \"num_heads\" and \"key_dim\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  std::optional<int64_t> value_dim, seed;
  if (!get("value_dim").is_null()) value_dim = config_get<int64_t>(config, "value_dim", 0, who);
  if (!get("seed").is_null()) seed = config_get<int64_t>(config, "seed", 0, who);
  auto init = [&](const char* key, const char* fallback) -> InitializerSpec {
    return config.contains(key) && !config[key].is_null() ? initializer_from_config(config[key])
                                                          : get_initializer(fallback);
  };
  return std::make_shared<MultiHeadAttention>(
      config_get<int64_t>(config, "num_heads", 0, who),
      config_get<int64_t>(config, "key_dim", 0, who),
      MultiHeadAttentionOptions{
          .value_dim = value_dim,
          .dropout = config_get(config, "dropout", 0.0, who),
          .use_bias = config_get(config, "use_bias", true, who),
          .output_shape = int_list<int64_t>(config, "output_shape", who),
          .attention_axes = int_list<int>(config, "attention_axes", who),
          .kernel_initializer = init("kernel_initializer", "glorot_uniform"),
          .bias_initializer = init("bias_initializer", "zeros"),
          .kernel_regularizer = regularizer_from_config(get("kernel_regularizer")),
          .bias_regularizer = regularizer_from_config(get("bias_regularizer")),
          .activity_regularizer = regularizer_from_config(get("activity_regularizer")),
          .kernel_constraint = constraint_from_config(get("kernel_constraint")),
          .bias_constraint = constraint_from_config(get("bias_constraint")),
          .seed = seed,
          .name = common.name,
          .trainable = common.trainable,
          .dtype = common.dtype});
}

}  // namespace mz::layers
