// Masking: the keep mask (any feature differs from mask_value), the zeroed output, the config.
#include "mz/nn/layers/masking.h"

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::layers {

Masking::Masking(double mask_value, MaskingOptions options)
    : Layer("Masking", LayerCommon{.name = std::move(options.name),
                                   .trainable = options.trainable,
                                   .dtype = options.dtype}),
      mask_value_(mask_value) {
  supports_masking_ = true;
}

Tensor Masking::keep(const Tensor& x) const {
  if (x.rank() < 2)
    throw ShapeError(str(who(), ": input must have rank >= 2: expected (batch, ..., features), ",
                         "got ", x.shape(), "."));
  Tensor xd = x.detach();
  Tensor differs = ne(xd, full({}, mask_value_, {.dtype = xd.dtype(), .device = xd.device()}));
  // any() over the features: the largest 0/1 flag.
  return ne(max(cast(differs, DType::f32), {-1}, true),
            zeros({}, {.dtype = DType::f32, .device = xd.device()}));
}

Tensor Masking::call(const Tensor& x, bool /*training*/) {
  Tensor k = keep(x);
  return x * cast(k, x.dtype());
}

std::vector<Tensor> Masking::compute_mask(const std::vector<Tensor>& xs,
                                          const std::vector<Tensor>& /*masks*/) {
  if (xs.empty()) return {Tensor()};
  return {keep(xs[0]).squeeze(-1)};
}

Json Masking::config() const {
  Json c = Layer::config();
  c["mask_value"] = mask_value_;
  return c;
}

std::shared_ptr<Masking> Masking::from_config(const Json& config) {
  const std::string who = "Masking.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<Masking>(
      config_get(config, "mask_value", 0.0, who),
      MaskingOptions{.name = common.name, .trainable = common.trainable, .dtype = common.dtype});
}

}  // namespace mz::layers
