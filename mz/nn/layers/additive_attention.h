// AdditiveAttention: Bahdanau-style attention over [query, value(, key)] (Keras's
// layers.AdditiveAttention): scores sum(scale * tanh(q + k), -1), then as Attention.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mz/nn/layers/attention.h"

namespace mz::layers {

// Keras's AdditiveAttention(use_scale, dropout), then the common layer fields.
struct AdditiveAttentionOptions {
  bool use_scale = true;          // a trainable "scale" (dim,) weighs the tanh terms
  double dropout = 0.0;           // rate on the attention weights, in training only
  std::optional<int64_t> seed{};  // a seed gives the layer its own dropout generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// [query (batch, Tq, dim), value (batch, Tv, dim_v)(, key (batch, Tv, dim))] ->
// (batch, Tq, dim_v): scores[b, i, j] = sum_d scale[d] * tanh(query[b, i, d] + key[b, j, d])
// (scale is 1 without use_scale), then masks, softmax, dropout and the weighted sum of value
// exactly as Attention (same call options). Weight: scale (dim,), glorot_uniform, when
// use_scale. Throws as Attention, and ShapeError when the query's last dimension is not the
// one the layer was built for.
class AdditiveAttention : public Attention {
 public:
  explicit AdditiveAttention(AdditiveAttentionOptions options = {});

  void build_multi(const std::vector<Shape>& input_shapes) override;
  // Keras's keys: "use_scale", "dropout" plus the common ones (no "score_mode").
  Json config() const override;
  static std::shared_ptr<AdditiveAttention> from_config(const Json& config);

 protected:
  Tensor calculate_scores(const Tensor& query, const Tensor& key) const override;
};

}  // namespace mz::layers
