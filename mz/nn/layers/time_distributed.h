// TimeDistributed: applies a layer to every timestep of a sequence (Keras's TimeDistributed).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/layers/wrapper.h"

namespace mz::layers {

// Keras's TimeDistributed(layer) takes only the common layer fields after it.
struct TimeDistributedOptions {
  std::string name{};
  bool trainable = true;
  DType dtype = DType::f32;
};

// (batch, timesteps, ...) -> (batch, timesteps, ...out): the wrapped layer (built for
// (batch, ...)) applied to each timestep with the same weights. The timesteps are folded into
// the batch, so the layer runs once on (batch * timesteps, ...). Masks pass through. Throws
// ShapeError for inputs of rank < 3 and ValueError for a null layer.
//   layers::TimeDistributed(layers::Dense(8))  // (32, 10, 16) -> (32, 10, 8)
class TimeDistributed : public Wrapper {
 public:
  explicit TimeDistributed(LayerPtr layer, TimeDistributedOptions options = {});

  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  static std::shared_ptr<TimeDistributed> from_config(const Json& config);

 private:
  // (batch, timesteps, rest...) -> (batch, rest...); throws ShapeError for rank < 3.
  Shape child_shape(const Shape& input_shape) const;
};

}  // namespace mz::layers
