// UnitNormalization: Keras's x * rsqrt(max(sum(x^2), 1e-12)) in differentiable ops.
#include "mz/nn/layers/unit_normalization.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::layers {

UnitNormalization::UnitNormalization(UnitNormalizationOptions options)
    : Layer("UnitNormalization", LayerCommon{.name = std::move(options.name),
                                             .trainable = options.trainable,
                                             .dtype = options.dtype}),
      axis_(std::move(options.axis)) {
  if (axis_.values().empty())
    throw ValueError(str(who(),
                         ": axis must name at least one axis: expected a non-empty list, "
                         "got []."));
  supports_masking_ = true;
}

Tensor UnitNormalization::call(const Tensor& x_in, bool /*training*/) {
  const Tensor x = x_in.dtype() == dtype() ? x_in : cast(x_in, dtype());
  const std::vector<int> axes = axis_.normalized(x.rank(), who());
  Tensor square_sum = sum(square(x), axes, true);
  Tensor floor = scalar(1e-12, {.dtype = x.dtype(), .device = x.device()});
  return x * rsqrt(maximum(square_sum, floor));
}

Shape UnitNormalization::compute_output_shape(const Shape& input_shape) {
  axis_.normalized(input_shape.rank(), who());
  return input_shape;
}

Json UnitNormalization::config() const {
  Json c = Layer::config();
  c["axis"] = axis_.to_json();
  return c;
}

std::shared_ptr<UnitNormalization> UnitNormalization::from_config(const Json& config) {
  const std::string who = "UnitNormalization.from_config";
  if (!config.is_object())
    throw ValueError(str(who, ": config must be a dict, got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  const bool has_axis = config.contains("axis") && !config["axis"].is_null();
  return std::make_shared<UnitNormalization>(
      UnitNormalizationOptions{.axis = has_axis ? Axes::from_json(config["axis"], who) : Axes(-1),
                               .name = common.name,
                               .trainable = common.trainable,
                               .dtype = common.dtype});
}

}  // namespace mz::layers
