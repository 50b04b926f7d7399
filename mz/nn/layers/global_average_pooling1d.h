// GlobalAveragePooling1D: the mean of each feature over the steps, skipping masked steps
// (Keras's layers.GlobalAveragePooling1D).
#pragma once

#include <memory>
#include <vector>

#include "mz/nn/layers/base_global_pooling.h"

namespace mz::layers {

// (batch, steps, features) -> (batch, features) (keepdims: (batch, 1, features)). With a mask
// (uint8 (batch, steps), 1 = real step) the mean runs over the real steps only:
// sum(x * mask) / sum(mask), as Keras (a row with no real step gives NaN, as in Keras). The
// output carries no mask. Throws ShapeError for a mask of another shape.
class GlobalAveragePooling1D : public BaseGlobalPooling {
 public:
  explicit GlobalAveragePooling1D(GlobalPoolingOptions options = {});

  std::vector<Tensor> call_masked(const std::vector<Tensor>& xs, const std::vector<Tensor>& masks,
                                  bool training) override;
  // No mask leaves the layer (Keras's compute_mask returns None).
  std::vector<Tensor> compute_mask(const std::vector<Tensor>& xs,
                                   const std::vector<Tensor>& masks) override;
  static std::shared_ptr<GlobalAveragePooling1D> from_config(const Json& config);
};

}  // namespace mz::layers
