// TimeDistributed: timesteps folded into the batch, one call of the wrapped layer, unfolded.
#include "mz/nn/layers/time_distributed.h"

namespace mz::layers {

TimeDistributed::TimeDistributed(LayerPtr layer, TimeDistributedOptions options)
    : Wrapper("TimeDistributed", std::move(layer),
              LayerCommon{.name = std::move(options.name),
                          .trainable = options.trainable,
                          .dtype = options.dtype}) {
  supports_masking_ = true;
}

Shape TimeDistributed::child_shape(const Shape& input_shape) const {
  if (input_shape.rank() < 3)
    throw ShapeError(str(who(), ": input must have rank >= 3: expected (batch, timesteps, ...), ",
                         "got ", input_shape, "."));
  Shape child = input_shape;
  child.erase(1);
  child[0] = input_shape[0] < 0 || input_shape[1] < 0 ? -1 : input_shape[0] * input_shape[1];
  return child;
}

void TimeDistributed::build(const Shape& input_shape) {
  Shape child = child_shape(input_shape);
  child[0] = -1;
  if (!layer_->built()) {
    layer_->maybe_build({child});
    adopt_weight_paths(*layer_);
  }
}

Tensor TimeDistributed::call(const Tensor& x, bool training) {
  Tensor y = (*layer_)(x.reshape(child_shape(x.shape())), training);
  Shape out = y.shape();
  out[0] = x.shape()[1];
  out.insert(0, x.shape()[0]);
  return y.reshape(out);
}

Shape TimeDistributed::compute_output_shape(const Shape& input_shape) {
  Shape child = child_shape(input_shape);
  child[0] = -1;
  Shape out = layer_->compute_output_shape(child);
  out[0] = input_shape[1];
  out.insert(0, input_shape[0]);
  return out;
}

std::shared_ptr<TimeDistributed> TimeDistributed::from_config(const Json& config) {
  const std::string who = "TimeDistributed.from_config";
  LayerPtr layer = detail::wrapped_layer_from_config(config, "layer", who);
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<TimeDistributed>(
      layer, TimeDistributedOptions{
                 .name = common.name, .trainable = common.trainable, .dtype = common.dtype});
}

}  // namespace mz::layers
