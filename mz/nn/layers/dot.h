// Dot: the batch-wise dot product of two tensors along given axes (Keras's Dot(axes,
// normalize)), e.g. (batch, n) . (batch, n) -> (batch, 1), or attention scores
// (batch, m, d) . (batch, k, d) with axes (2, 2) -> (batch, m, k).
#pragma once

#include <array>
#include <memory>
#include <string>

#include "mz/nn/layers/merge.h"

namespace mz::layers {

class Dot : public Layer {
 public:
  // One axis for both inputs (negative counts from the end).
  explicit Dot(int axes, bool normalize = false, MergeOptions options = {});
  // An axis per input.
  Dot(std::array<int, 2> axes, bool normalize = false, MergeOptions options = {});

  void build_multi(const std::vector<Shape>& input_shapes) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  Json config() const override;
  static std::shared_ptr<Dot> from_config(const Json& config);

 private:
  // The axes for inputs of these ranks (non-negative).
  std::array<int, 2> resolve(int rank0, int rank1) const;

  std::array<int, 2> axes_;
  bool single_axis_;  // given as one int (config writes it back so)
  bool normalize_;
};

}  // namespace mz::layers
