// ZeroPadding2D: BaseZeroPadding over 2 spatial axes.
#include "mz/nn/layers/zero_padding2d.h"

namespace mz::layers {

ZeroPadding2D::ZeroPadding2D(ZeroPaddingOptions options)
    : BaseZeroPadding("ZeroPadding2D", 2, std::move(options)) {}

std::shared_ptr<ZeroPadding2D> ZeroPadding2D::from_config(const Json& config) {
  return std::make_shared<ZeroPadding2D>(
      options_from_config(config, 2, "ZeroPadding2D.from_config"));
}

}  // namespace mz::layers
