// Permute: reorders the axes after the batch one (Keras's layers.Permute).
#pragma once

#include <memory>
#include <vector>

#include "mz/nn/layer.h"

namespace mz::layers {

// (batch, d1, .., dn) -> (batch, d_dims[0], .., d_dims[n-1]); dims is a permutation of 1..n
// (1-based, the batch axis stays first), e.g. Permute({2, 1}) swaps the two axes of
// (batch, steps, features). The result is a view. Throws ValueError when dims is not a
// permutation of 1..n, ShapeError for an input of another rank than 1 + n.
class Permute : public Layer {
 public:
  explicit Permute(std::vector<int> dims, LayerCommon common = {});

  const std::vector<int>& dims() const { return dims_; }
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  // Keras's keys: "dims" plus the common ones.
  Json config() const override;
  static std::shared_ptr<Permute> from_config(const Json& config);

 private:
  void check_rank(const Shape& shape) const;

  std::vector<int> dims_;
};

}  // namespace mz::layers
