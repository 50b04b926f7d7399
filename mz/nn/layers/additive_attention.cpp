// AdditiveAttention: the (dim,) scale weight, the additive scores and Keras's config; masks,
// softmax and dropout come from Attention.
#include "mz/nn/layers/additive_attention.h"

#include "mz/nn/initializers.h"
#include "mz/ops/ops.h"

namespace mz::layers {

AdditiveAttention::AdditiveAttention(AdditiveAttentionOptions options)
    : Attention("AdditiveAttention", AttentionOptions{.use_scale = options.use_scale,
                                                      .score_mode = "dot",
                                                      .dropout = options.dropout,
                                                      .seed = options.seed,
                                                      .name = std::move(options.name),
                                                      .trainable = options.trainable,
                                                      .dtype = options.dtype}) {}

void AdditiveAttention::build_multi(const std::vector<Shape>& input_shapes) {
  validate_shapes(input_shapes);
  int64_t dim = input_shapes[0][2];
  if (dim < 1)
    throw ShapeError(str(who(),
                         ": the query's last dimension must be known: expected a positive "
                         "size, got ",
                         input_shapes[0], "."));
  if (use_scale_) scale_ = add_weight("scale", {dim}, get_initializer("glorot_uniform"));
  mark_built(input_shapes);
}

Tensor AdditiveAttention::calculate_scores(const Tensor& query, const Tensor& key) const {
  if (scale_ && query.shape()[2] != scale_->value.shape()[0])
    throw ShapeError(str(who(), ": query last dimension is ", query.shape()[2],
                         ", but the layer was built for ", scale_->value.shape()[0], " (scale ",
                         scale_->value.shape(), ")."));
  // (batch, Tq, 1, dim) + (batch, 1, Tv, dim) -> tanh, weighted by scale, summed over dim.
  Tensor t = tanh(unsqueeze(query, 2) + unsqueeze(key, 1));
  if (scale_) t = t * scale_->value;
  return sum(t, {-1});
}

Json AdditiveAttention::config() const {
  Json c = Attention::config();
  c.erase("score_mode");
  return c;
}

std::shared_ptr<AdditiveAttention> AdditiveAttention::from_config(const Json& config) {
  const std::string who = "AdditiveAttention.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  std::optional<int64_t> seed;
  if (config.contains("seed") && !config["seed"].is_null())
    seed = config_get<int64_t>(config, "seed", 0, who);
  return std::make_shared<AdditiveAttention>(
      AdditiveAttentionOptions{.use_scale = config_get(config, "use_scale", true, who),
                               .dropout = config_get(config, "dropout", 0.0, who),
                               .seed = seed,
                               .name = common.name,
                               .trainable = common.trainable,
                               .dtype = common.dtype});
}

}  // namespace mz::layers
