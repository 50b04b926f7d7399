// GlobalAveragePooling1D: BaseGlobalPooling over the steps, and the masked mean.
#include "mz/nn/layers/global_average_pooling1d.h"

#include <algorithm>

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz::layers {

GlobalAveragePooling1D::GlobalAveragePooling1D(GlobalPoolingOptions options)
    : BaseGlobalPooling("GlobalAveragePooling1D", 1, Mode::average, std::move(options)) {
  supports_masking_ = true;
}

std::vector<Tensor> GlobalAveragePooling1D::call_masked(const std::vector<Tensor>& xs,
                                                        const std::vector<Tensor>& masks,
                                                        bool training) {
  std::vector<Tensor> ys;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const Tensor& x = xs[i];
    const Tensor mask = i < masks.size() ? masks[i] : Tensor{};
    if (!mask.defined()) {
      ys.push_back(call(x, training));
      continue;
    }
    spatial_axes(x.shape());
    if (mask.rank() != 2 || mask.shape()[0] != x.shape()[0] || mask.shape()[1] != x.shape()[1])
      throw ShapeError(str(who(), ": mask must be (batch, steps) = (", x.shape()[0], ", ",
                           x.shape()[1], "): got ", mask.shape(), " for input ", x.shape(), "."));
    // Masked steps become 0 (not x * 0, which keeps NaN and inf), then sum / count.
    Tensor real = ne(mask, scalar(0.0, {.dtype = mask.dtype(), .device = mask.device()}))
                      .unsqueeze(2);  // (batch, steps, 1) of 0/1
    Tensor kept = where(real, x, scalar(0.0, {.dtype = x.dtype(), .device = x.device()}));
    ys.push_back(div(sum(kept, {1}, keepdims()), sum(cast(real, x.dtype()), {1}, keepdims())));
  }
  return ys;
}

std::vector<Tensor> GlobalAveragePooling1D::compute_mask(const std::vector<Tensor>& xs,
                                                         const std::vector<Tensor>& /*masks*/) {
  return std::vector<Tensor>(std::max<std::size_t>(xs.size(), 1), Tensor{});
}

std::shared_ptr<GlobalAveragePooling1D> GlobalAveragePooling1D::from_config(const Json& config) {
  return std::make_shared<GlobalAveragePooling1D>(
      options_from_config(config, "GlobalAveragePooling1D.from_config"));
}

}  // namespace mz::layers
