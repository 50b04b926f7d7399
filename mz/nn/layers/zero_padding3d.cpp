// ZeroPadding3D: BaseZeroPadding over 3 spatial axes.
#include "mz/nn/layers/zero_padding3d.h"

namespace mz::layers {

ZeroPadding3D::ZeroPadding3D(ZeroPaddingOptions options)
    : BaseZeroPadding("ZeroPadding3D", 3, std::move(options)) {}

std::shared_ptr<ZeroPadding3D> ZeroPadding3D::from_config(const Json& config) {
  return std::make_shared<ZeroPadding3D>(
      options_from_config(config, 3, "ZeroPadding3D.from_config"));
}

}  // namespace mz::layers
