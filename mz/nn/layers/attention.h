// Attention: Luong-style dot-product attention over [query, value(, key)] (Keras's
// layers.Attention), with score_mode "dot" or "concat", masks, a causal mask and dropout on the
// attention weights. AdditiveAttention (additive_attention.h) derives from it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/nn/layer.h"

namespace mz::layers {

// Keras's Attention(use_scale, score_mode, dropout, seed), then the common layer fields.
struct AttentionOptions {
  bool use_scale = false;          // a trainable scalar "scale" multiplies the scores
  std::string score_mode = "dot";  // "dot": q . k; "concat": sum(tanh(q + k))
  double dropout = 0.0;            // rate on the attention weights, in training only
  std::optional<int64_t> seed{};   // a seed gives the layer its own dropout generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// Keras's call(inputs, mask, training, return_attention_scores, use_causal_mask): the
// arguments after the inputs.
struct AttentionCallOptions {
  // {query_mask (batch, Tq), value_mask (batch, Tv)} as uint8, 1 = real step; a third entry
  // (the key's) is accepted and ignored, as in Keras. Empty or undefined entries: no mask.
  std::vector<Tensor> mask{};
  bool training = false;
  bool return_attention_scores = false;  // also return the weights (batch, Tq, Tv)
  bool use_causal_mask = false;          // query step i sees value steps j <= i only
};

// [query (batch, Tq, dim), value (batch, Tv, dim_v)(, key (batch, Tv, dim))] ->
// (batch, Tq, dim_v): softmax(scores(query, key) masked) @ value, where "dot" scores are
// query @ key^T (times scale) and "concat" scores are concat_score_weight * sum(tanh(scale *
// (q + k)), -1). A value mask subtracts 1e9 from the scores of padded steps; a query mask
// zeroes the output at padded query steps and is the output's mask. Weights: scale () when
// use_scale, then concat_score_weight () in "concat" mode, both initialised to 1.
// Throws ValueError for a bad score_mode or dropout, or a call on other than 2 or 3 inputs, and
// ShapeError when ranks or dimensions disagree, e.g.
//   Attention 'attention': query and key must have the same last dimension: expected 4 (query
//   (None, 2, 4)), got 3 (key (None, 5, 3)).
class Attention : public Layer {
 public:
  explicit Attention(AttentionOptions options = {});

  // The base calls: layer({query, value}) and layer({query, value, key}, training).
  using Layer::operator();
  // Keras's layer([query, value(, key)], mask=..., training=..., return_attention_scores=...,
  // use_causal_mask=...): {output} or {output, attention_scores}.
  std::vector<Tensor> operator()(const std::vector<Tensor>& inputs,
                                 const AttentionCallOptions& options);

  bool use_scale() const { return use_scale_; }
  const std::string& score_mode() const { return score_mode_; }
  double dropout() const { return dropout_; }
  // The weights (null before build, or when the mode has none).
  const VariablePtr& scale() const { return scale_; }
  const VariablePtr& concat_score_weight() const { return concat_score_weight_; }

  void build_multi(const std::vector<Shape>& input_shapes) override;
  // A single tensor is refused: Keras's Attention takes a list.
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  std::vector<Tensor> call_masked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                  bool training) override;
  // The query's mask (Keras's compute_mask).
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  // Keras's keys: "use_scale", "score_mode", "dropout" plus the common ones.
  Json config() const override;
  static std::shared_ptr<Attention> from_config(const Json& config);

  // The layer's own generator when seeded (BackupAndRestore saves and restores it).
  std::vector<Generator*> generators() override {
    return generator_ ? std::vector<Generator*>{&*generator_} : std::vector<Generator*>{};
  }
 protected:
  // For subclasses (AdditiveAttention): checks the options, does not create weights.
  Attention(std::string class_name, AttentionOptions options);
  // The raw scores (batch, Tq, Tv) of query (batch, Tq, dim) against key (batch, Tv, dim).
  virtual Tensor calculate_scores(const Tensor& query, const Tensor& key) const;
  // Checks 2 or 3 inputs of rank 3 with matching dimensions (ShapeError / ValueError).
  void validate_shapes(const std::vector<Shape>& shapes) const;

  bool use_scale_;
  std::string score_mode_;
  double dropout_;
  std::optional<int64_t> seed_;
  VariablePtr scale_, concat_score_weight_;

 private:
  // The whole call: scores, masks, softmax, dropout, weighted sum, query mask.
  std::vector<Tensor> attend(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                             bool training);

  std::optional<Generator> generator_;           // set when seeded
  std::optional<AttentionCallOptions> pending_;  // the call options of operator()(xs, options)
};

}  // namespace mz::layers
