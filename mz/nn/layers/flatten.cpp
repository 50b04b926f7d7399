// Flatten layer: a reshape to (batch, -1), after a move to channels last when asked.
#include "mz/nn/layers/flatten.h"

#include <numeric>

namespace mz::layers {

Flatten::Flatten(FlattenOptions options)
    : Layer("Flatten", LayerCommon{.name = std::move(options.name),
                                   .trainable = options.trainable,
                                   .dtype = options.dtype}),
      data_format_(std::move(options.data_format)) {
  if (data_format_ != "channels_last" && data_format_ != "channels_first")
    throw ValueError(str(who(),
                         ": data_format must be \"channels_last\" or \"channels_first\", "
                         "got \"",
                         data_format_, "\"."));
}

Tensor Flatten::call(const Tensor& x, bool /*training*/) {
  if (x.rank() == 0)
    throw ShapeError(str(who(), ": input must have a batch dimension: expected rank >= 1, got ",
                         x.shape(), "."));
  Tensor in = x;
  if (data_format_ == "channels_first" && x.rank() > 2) {
    std::vector<int> axes{0};
    for (int i = 2; i < x.rank(); ++i) axes.push_back(i);
    axes.push_back(1);
    in = x.permute(axes);
  }
  int64_t features = 1;
  for (int i = 1; i < in.rank(); ++i) features *= in.shape()[i];
  return in.reshape({in.shape()[0], features});
}

Shape Flatten::compute_output_shape(const Shape& input_shape) {
  if (input_shape.rank() == 0)
    throw ShapeError(str(who(), ": input must have a batch dimension: expected rank >= 1, got ",
                         input_shape, "."));
  int64_t features = 1;
  for (int i = 1; i < input_shape.rank(); ++i)
    features = input_shape[i] < 0 || features < 0 ? -1 : features * input_shape[i];
  return {input_shape[0], features};
}

Json Flatten::config() const {
  Json c = Layer::config();
  c["data_format"] = data_format_;
  return c;
}

std::shared_ptr<Flatten> Flatten::from_config(const Json& config) {
  const std::string who = "Flatten.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<Flatten>(FlattenOptions{
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype});
}

}  // namespace mz::layers
