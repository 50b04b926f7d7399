// Attention: Keras's layers.Attention composed of differentiable ops (matmul, softmax, tanh,
// sum): input checks, the score modes, value/causal/query masks, dropout and the config.
#include "mz/nn/layers/attention.h"

#include "mz/nn/initializers.h"
#include "mz/nn/layers/attention_common.h"
#include "mz/ops/ops.h"

namespace mz::layers {
using detail::attention_shape_text;
using detail::causal_mask;
using detail::dims_differ;
using detail::float_mask;

Attention::Attention(AttentionOptions options) : Attention("Attention", std::move(options)) {}

Attention::Attention(std::string class_name, AttentionOptions options)
    : Layer(std::move(class_name), LayerCommon{.name = std::move(options.name),
                                               .trainable = options.trainable,
                                               .dtype = options.dtype}),
      use_scale_(options.use_scale),
      score_mode_(std::move(options.score_mode)),
      dropout_(options.dropout),
      seed_(options.seed) {
  if (score_mode_ != "dot" && score_mode_ != "concat")
    throw ValueError(str(who(), ": unknown score_mode: expected one of \"dot\", \"concat\"; got \"",
                         score_mode_, "\"."));
  if (!(dropout_ >= 0.0 && dropout_ < 1.0))
    throw ValueError(
        str(who(), ": dropout must be in [0, 1): expected 0 <= dropout < 1, got ", dropout_, "."));
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
  supports_masking_ = true;
}

void Attention::validate_shapes(const std::vector<Shape>& shapes) const {
  if (shapes.size() < 2 || shapes.size() > 3)
    detail::throw_not_input_list(who(), "inputs", std::to_string(shapes.size()));
  const char* names[] = {"query", "value", "key"};
  const char* layouts[] = {"(batch, Tq, dim)", "(batch, Tv, dim_v)", "(batch, Tv, dim)"};
  for (std::size_t i = 0; i < shapes.size(); ++i)
    if (shapes[i].rank() != 3)
      throw ShapeError(str(who(), ": ", names[i], " must have rank 3: expected ", layouts[i],
                           ", got ", attention_shape_text(shapes[i]), "."));
  const Shape& q = shapes[0];
  const Shape& v = shapes[1];
  const Shape& k = shapes.size() > 2 ? shapes[2] : v;
  const char* key_name = shapes.size() > 2 ? "key" : "value (the key)";
  if (dims_differ(q[2], k[2]))
    throw ShapeError(str(who(), ": query and key must have the same last dimension: expected ",
                         q[2], " (query ", attention_shape_text(q), "), got ", k[2], " (", key_name,
                         " ", attention_shape_text(k), ")."));
  if (shapes.size() > 2 && dims_differ(v[1], k[1]))
    throw ShapeError(str(who(), ": key and value must have the same number of steps: expected ",
                         v[1], " (value ", attention_shape_text(v), "), got ", k[1], " (key ",
                         attention_shape_text(k), ")."));
  for (std::size_t i = 1; i < shapes.size(); ++i)
    if (dims_differ(q[0], shapes[i][0]))
      throw ShapeError(str(who(), ": inputs must have the same batch size: expected ", q[0],
                           " (query ", attention_shape_text(q), "), got ", shapes[i][0], " (",
                           names[i], " ", attention_shape_text(shapes[i]), ")."));
}

void Attention::build_multi(const std::vector<Shape>& input_shapes) {
  validate_shapes(input_shapes);
  if (use_scale_) scale_ = add_weight("scale", Shape{}, get_initializer("ones"));
  if (score_mode_ == "concat")
    concat_score_weight_ = add_weight("concat_score_weight", Shape{}, get_initializer("ones"));
  mark_built(input_shapes);
}

Tensor Attention::call(const Tensor& x, bool /*training*/) {
  detail::throw_not_input_list(who(), "inputs", "one tensor " + attention_shape_text(x.shape()));
}

std::vector<Tensor> Attention::operator()(const std::vector<Tensor>& inputs,
                                          const AttentionCallOptions& options) {
  if (!options.mask.empty() && (options.mask.size() < 2 || options.mask.size() > 3))
    throw ValueError(str(who(),
                         ": mask must be a list [query_mask, value_mask] or [query_mask, "
                         "value_mask, key_mask]: expected 2 or 3 masks, got ",
                         options.mask.size(), "."));
  std::vector<Tensor> masks;
  if (!options.mask.empty()) {
    masks = options.mask;
    masks.resize(inputs.size());
  }
  // The call options reach call_multi/call_masked through pending_ for this call only.
  struct Reset {
    std::optional<AttentionCallOptions>& pending;
    ~Reset() { pending.reset(); }
  } reset{pending_};
  pending_ = options;
  return call_with_masks(inputs, masks, options.training, nullptr);
}

std::vector<Tensor> Attention::call_multi(const std::vector<Tensor>& xs, bool training) {
  return attend(xs, {}, training);
}

std::vector<Tensor> Attention::call_masked(const std::vector<Tensor>& xs,
                                           const std::vector<Tensor>& masks, bool training) {
  return attend(xs, masks, training);
}

Tensor Attention::calculate_scores(const Tensor& query, const Tensor& key) const {
  if (score_mode_ == "dot") {
    Tensor scores = matmul(query, transpose(key, 1, 2));  // (batch, Tq, Tv)
    return scale_ ? scores * scale_->value : scores;
  }
  // "concat": (batch, Tq, 1, dim) + (batch, 1, Tv, dim), tanh, summed over dim.
  Tensor sum_qk = unsqueeze(query, 2) + unsqueeze(key, 1);
  if (scale_) sum_qk = scale_->value * sum_qk;
  return concat_score_weight_->value * sum(tanh(sum_qk), {-1});
}

std::vector<Tensor> Attention::attend(const std::vector<Tensor>& xs,
                                      const std::vector<Tensor>& masks, bool training) {
  std::vector<Shape> shapes;
  for (const Tensor& x : xs) shapes.push_back(x.shape());
  validate_shapes(shapes);
  const Tensor& q = xs[0];
  const Tensor& v = xs[1];
  const Tensor& k = xs.size() > 2 ? xs[2] : v;
  const int64_t batch = q.shape()[0], tq = q.shape()[1], tv = v.shape()[1];
  Tensor q_mask = !masks.empty() ? masks[0] : Tensor();
  Tensor v_mask = masks.size() > 1 ? masks[1] : Tensor();
  if (q_mask.defined() && !(q_mask.shape() == Shape{batch, tq}))
    throw ShapeError(str(who(), ": the query mask must be (batch, Tq): expected ",
                         attention_shape_text({batch, tq}), ", got ",
                         attention_shape_text(q_mask.shape()), "."));
  if (v_mask.defined() && !(v_mask.shape() == Shape{batch, tv}))
    throw ShapeError(str(who(), ": the value mask must be (batch, Tv): expected ",
                         attention_shape_text({batch, tv}), ", got ",
                         attention_shape_text(v_mask.shape()), "."));
  const bool causal = pending_ && pending_->use_causal_mask;
  const bool return_scores = pending_ && pending_->return_attention_scores;
  const DType dt = q.dtype();

  Tensor scores = calculate_scores(q, k);  // (batch, Tq, Tv)
  // Keras's _calculate_score_mask: the value mask (batch, 1, Tv), and'ed with the causal one.
  Tensor score_mask;
  if (v_mask.defined()) score_mask = unsqueeze(float_mask(v_mask, dt), 1);
  if (causal) {
    Tensor c = causal_mask(tq, tv, dt, q.device());
    score_mask = score_mask.defined() ? score_mask * c : c;
  }
  // Keras's _apply_scores: scores -= 1e9 * padding_mask, softmax, dropout, weighted sum.
  if (score_mask.defined()) scores = scores - (1.0 - score_mask) * 1.0e9;
  Tensor weights = softmax(scores, -1);
  weights = detail::attention_dropout(weights, dropout_, training, generator_);
  Tensor out = matmul(weights, v);  // (batch, Tq, dim_v)
  if (q_mask.defined()) out = out * unsqueeze(float_mask(q_mask, dt), -1);
  if (return_scores) return {out, weights};
  return {out};
}

std::vector<Tensor> Attention::compute_mask(const std::vector<Tensor>& /*xs*/,
                                            const std::vector<Tensor>& masks) {
  return {masks.empty() ? Tensor() : masks[0]};
}

Shape Attention::compute_output_shape(const Shape& input_shape) {
  detail::throw_not_input_list(who(), "input shapes", "one " + attention_shape_text(input_shape));
}

std::vector<Shape> Attention::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  validate_shapes(input_shapes);
  const Shape& q = input_shapes[0];
  const Shape& v = input_shapes[1];
  std::vector<Shape> out{Shape{q[0], q[1], v[2]}};
  if (pending_ && pending_->return_attention_scores) out.push_back(Shape{q[0], q[1], v[1]});
  return out;
}

Json Attention::config() const {
  Json c = Layer::config();
  c["use_scale"] = use_scale_;
  c["score_mode"] = score_mode_;
  c["dropout"] = dropout_;
  return c;
}

std::shared_ptr<Attention> Attention::from_config(const Json& config) {
  const std::string who = "Attention.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  std::optional<int64_t> seed;
  if (config.contains("seed") && !config["seed"].is_null())
    seed = config_get<int64_t>(config, "seed", 0, who);
  return std::make_shared<Attention>(
      AttentionOptions{.use_scale = config_get(config, "use_scale", false, who),
                       .score_mode = config_get<std::string>(config, "score_mode", "dot", who),
                       .dropout = config_get(config, "dropout", 0.0, who),
                       .seed = seed,
                       .name = common.name,
                       .trainable = common.trainable,
                       .dtype = common.dtype});
}

}  // namespace mz::layers
