// ZeroPadding1D: BaseZeroPadding over the steps.
#include "mz/nn/layers/zero_padding1d.h"

namespace mz::layers {

ZeroPadding1D::ZeroPadding1D(ZeroPaddingOptions options)
    : BaseZeroPadding("ZeroPadding1D", 1, std::move(options)) {}

std::shared_ptr<ZeroPadding1D> ZeroPadding1D::from_config(const Json& config) {
  return std::make_shared<ZeroPadding1D>(
      options_from_config(config, 1, "ZeroPadding1D.from_config"));
}

}  // namespace mz::layers
