// ActivityRegularization layer: an L1L2 activity regularizer on the identity.
#include "mz/nn/layers/activity_regularization.h"

#include <cmath>

#include "mz/nn/regularizers.h"

namespace mz::layers {

ActivityRegularization::ActivityRegularization(ActivityRegularizationOptions options)
    : Layer("ActivityRegularization", LayerCommon{.name = std::move(options.name),
                                                  .trainable = options.trainable,
                                                  .dtype = options.dtype}),
      l1_(options.l1),
      l2_(options.l2) {
  if (!(l1_ >= 0.0 && std::isfinite(l1_)) || !(l2_ >= 0.0 && std::isfinite(l2_)))
    throw ValueError(
        str(who(), ": l1 and l2 must be finite and non-negative: got l1 ", l1_, ", l2 ", l2_, "."));
  activity_regularizer_ =
      std::make_shared<regularizers::L1L2>(regularizers::L1L2Options{.l1 = l1_, .l2 = l2_});
  supports_masking_ = true;
}

Json ActivityRegularization::config() const {
  Json c = Layer::config();
  c.erase("activity_regularizer");
  c["l1"] = l1_;
  c["l2"] = l2_;
  return c;
}

std::shared_ptr<ActivityRegularization> ActivityRegularization::from_config(const Json& config) {
  const std::string who = "ActivityRegularization.from_config";
  LayerCommon common = layer_common_from_config(config, who);
  return std::make_shared<ActivityRegularization>(
      ActivityRegularizationOptions{.l1 = config_get(config, "l1", 0.0, who),
                                    .l2 = config_get(config, "l2", 0.0, who),
                                    .name = common.name,
                                    .trainable = common.trainable,
                                    .dtype = common.dtype});
}

}  // namespace mz::layers
