// Embedding: integer indices to dense vectors (Keras's Embedding), with mask_zero masks.
#pragma once

#include <memory>
#include <string>

#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/regularizers.h"

namespace mz {
namespace layers {

// Keras's Embedding(input_dim, output_dim, embeddings_initializer, embeddings_regularizer,
// embeddings_constraint, mask_zero), activity_regularizer, then the common layer fields.
struct EmbeddingOptions {
  // Keras's "uniform": RandomUniform(-0.05, 0.05).
  InitializerSpec embeddings_initializer = "uniform";
  RegularizerSpec embeddings_regularizer{};
  ConstraintSpec embeddings_constraint{};
  // Index 0 is padding: the layer passes on a mask (batch, steps), 1 where the index is not 0
  // (index 0 then cannot be a word: input_dim = vocabulary + 1).
  bool mask_zero = false;
  RegularizerSpec activity_regularizer{};
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, ...) indices -> (batch, ..., output_dim): row index of embeddings (input_dim,
// output_dim). Indices may be any integer dtype, or floating (truncated, as Keras casts to
// int32). With mask_zero, compute_mask gives x != 0 as uint8. Throws ValueError for
// input_dim or output_dim < 1, and for an index outside [0, input_dim):
//   Embedding 'embedding': index 12 at position (1, 2) is out of range: expected
//   0 <= index < 10 (input_dim).
class Embedding : public Layer {
 public:
  Embedding(int64_t input_dim, int64_t output_dim, EmbeddingOptions options = {});

  int64_t input_dim() const { return input_dim_; }
  int64_t output_dim() const { return output_dim_; }
  bool mask_zero() const { return mask_zero_; }
  // The table (null before build).
  const VariablePtr& embeddings() const { return embeddings_; }

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Json config() const override;
  static std::shared_ptr<Embedding> from_config(const Json& config);

 private:
  int64_t input_dim_, output_dim_;
  bool mask_zero_;
  InitializerPtr embeddings_initializer_;
  RegularizerPtr embeddings_regularizer_;
  ConstraintPtr embeddings_constraint_;
  VariablePtr embeddings_;
};

}  // namespace layers
}  // namespace mz
