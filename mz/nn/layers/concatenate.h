// Concatenate: joins a list of tensors along one axis (Keras's Concatenate(axis=-1)).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layers/merge.h"

namespace mz::layers {

// Inputs of one rank, equal on every axis but `axis` (ShapeError naming the shapes
// otherwise); masks: timestep masks and'ed for a feature axis, joined for the time axis.
class Concatenate : public Layer {
 public:
  explicit Concatenate(int axis = -1, MergeOptions options = {});

  int axis() const { return axis_; }
  void build_multi(const std::vector<Shape>& input_shapes) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;
  Json config() const override;
  static std::shared_ptr<Concatenate> from_config(const Json& config);

 private:
  int axis_;
};

}  // namespace mz::layers
