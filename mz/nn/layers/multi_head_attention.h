// MultiHeadAttention: Keras 3's layers.MultiHeadAttention (the Transformer's attention), with
// its four EinsumDense projections "query", "key", "value" and "attention_output" held as the
// layer's own weights, attention over any axes, masks, a causal mask and dropout on the scores.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/regularizers.h"

namespace mz::layers {

// Keras's MultiHeadAttention(num_heads, key_dim, value_dim, dropout, use_bias, output_shape,
// attention_axes, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
// activity_regularizer, kernel_constraint, bias_constraint, seed) after num_heads and key_dim,
// then the common layer fields.
struct MultiHeadAttentionOptions {
  std::optional<int64_t> value_dim{};  // none: key_dim
  double dropout = 0.0;                // rate on the attention scores, in training only
  bool use_bias = true;
  // The output's trailing shape (Keras's output_shape); empty: the query's last dimension.
  std::vector<int64_t> output_shape{};
  // The query axes attention runs over (1 .. rank - 2 of the query, or negative from its
  // end); empty: all of them but the batch and feature ones (Keras's None), which for
  // (batch, T, dim) is {1}.
  std::vector<int> attention_axes{};
  InitializerSpec kernel_initializer = "glorot_uniform";
  InitializerSpec bias_initializer = "zeros";
  RegularizerSpec kernel_regularizer{};
  RegularizerSpec bias_regularizer{};
  RegularizerSpec activity_regularizer{};
  ConstraintSpec kernel_constraint{};
  ConstraintSpec bias_constraint{};
  std::optional<int64_t> seed{};  // a seed gives the layer its own dropout generator
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// Keras's call(query, value, key, query_mask, value_mask, key_mask, attention_mask,
// return_attention_scores, training, use_causal_mask): the arguments after the inputs.
// Masks are uint8 (any nonzero is true); the step masks are (batch, steps).
struct MultiHeadAttentionCallOptions {
  Tensor query_mask{};      // (batch, Tq); also the output's mask
  Tensor value_mask{};      // (batch, Tv)
  Tensor key_mask{};        // (batch, Tv)
  Tensor attention_mask{};  // (batch, Tq, Tv): 1 where query step i may attend to key step j
  bool return_attention_scores = false;  // also return the scores (batch, heads, Tq, Tv)
  bool training = false;
  bool use_causal_mask = false;  // query step i sees key steps j <= i only
};

// [query (batch, Tq..., dim_q), value (batch, Tv..., dim_v)(, key (batch, Tv..., dim_k))] ->
// (batch, Tq..., output_shape or dim_q). With N = num_heads:
//   Q = query . Wq + bq  (batch, Tq..., N, key_dim),  K = key . Wk + bk,  V = value . Wv + bv
//   scores = softmax over the attention axes of (Q / sqrt(key_dim)) . K, masked
//   output = (dropout(scores) . V) . Wo + bo
// Weights in Keras's order and shapes: query/kernel (dim_q, N, key_dim), query/bias
// (N, key_dim), key/kernel (dim_k, N, key_dim), key/bias, value/kernel (dim_v, N, value_dim),
// value/bias (N, value_dim), attention_output/kernel (N, value_dim, *output_shape),
// attention_output/bias (output_shape) (no biases without use_bias). Masks combine as Keras's
// _compute_attention_mask (query mask (batch, Tq, 1), value and key masks (batch, 1, Tv), the
// causal mask (1, Tq, Tv) and attention_mask, and'ed); masked scores get -1e9 added before
// the softmax, so they are zero after it unless a whole row is masked (then, as in Keras, the
// row is the softmax of the unmasked scores). The output carries the query's mask.
// Throws ValueError for bad arguments (num_heads, key_dim, dropout, attention_axes) or a call
// on other than 2 or 3 inputs, and ShapeError when shapes disagree, e.g.
//   MultiHeadAttention 'mha': value and key must have the same dimensions except the last
//   one: got value (None, 5, 4) and key (None, 6, 4).
class MultiHeadAttention : public Layer {
 public:
  MultiHeadAttention(int64_t num_heads, int64_t key_dim, MultiHeadAttentionOptions options = {});

  // The base calls: layer({query, value}) and layer({query, value, key}, training).
  using Layer::operator();
  // Keras's layer(query, value, key, ..., return_attention_scores=..., use_causal_mask=...)
  // with inputs {query, value(, key)}: {output} or {output, attention_scores}.
  std::vector<Tensor> operator()(const std::vector<Tensor>& inputs,
                                 const MultiHeadAttentionCallOptions& options);

  int64_t num_heads() const { return num_heads_; }
  int64_t key_dim() const { return key_dim_; }
  int64_t value_dim() const { return value_dim_; }
  // The attention axes in use after build (non-negative; the default ones when none given).
  const std::vector<int>& attention_axes() const { return axes_; }

  void build_multi(const std::vector<Shape>& input_shapes) override;
  // A single tensor is refused: the layer takes [query, value(, key)].
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  std::vector<Tensor> call_masked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                  bool training) override;
  // The query's mask.
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  // Keras's keys: "num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape",
  // "attention_axes" (null when not given), the initializers, regularizers and constraints,
  // "seed", plus the common ones.
  Json config() const override;
  static std::shared_ptr<MultiHeadAttention> from_config(const Json& config);

  // The layer's own generator when seeded (BackupAndRestore saves and restores it).
  std::vector<Generator*> generators() override {
    return generator_ ? std::vector<Generator*>{&*generator_} : std::vector<Generator*>{};
  }
 private:
  // Checks the input count, ranks, attention axes and the dimensions that must agree.
  void validate_shapes(const std::vector<Shape>& shapes) const;
  // Adds "<sublayer>/kernel" and "<sublayer>/bias" (Keras's EinsumDense weights).
  void add_projection(const std::string& sublayer, const Shape& kernel_shape,
                      const Shape& bias_shape, VariablePtr* kernel, VariablePtr* bias);
  // The whole call: projections, masks, scores, softmax, dropout, combination, output.
  std::vector<Tensor> attend(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                             bool training);
  // The and of every mask, shaped to broadcast against the scores; undefined when none.
  Tensor attention_mask(const Tensor& query, const Tensor& value,
                        const std::vector<Tensor>& masks) const;

  int64_t num_heads_, key_dim_, value_dim_;
  double dropout_;
  bool use_bias_;
  std::vector<int64_t> output_shape_;
  std::vector<int> attention_axes_;  // as given (config); axes_ is what is used
  std::vector<int> axes_;
  InitializerPtr kernel_initializer_, bias_initializer_;
  RegularizerPtr kernel_regularizer_, bias_regularizer_;
  ConstraintPtr kernel_constraint_, bias_constraint_;
  std::optional<int64_t> seed_;
  std::optional<Generator> generator_;
  VariablePtr query_kernel_, query_bias_, key_kernel_, key_bias_, value_kernel_, value_bias_,
      output_kernel_, output_bias_;
  std::optional<MultiHeadAttentionCallOptions> pending_;
};

}  // namespace mz::layers
