// Conv3D: a 3-D convolution layer on ConvBase.
#include "mz/nn/layers/conv3d.h"

namespace mz::layers {

Conv3D::Conv3D(int64_t filters, SpatialInts kernel_size, Conv3DOptions options)
    : ConvBase("Conv3D", conv_spec(3, filters, std::move(kernel_size), std::move(options))) {}

Conv3D::Conv3D(ConvSpec spec) : ConvBase("Conv3D", std::move(spec)) {}

std::shared_ptr<Conv3D> Conv3D::from_config(const Json& config) {
  return std::shared_ptr<Conv3D>(
      new Conv3D(spec_from_config(ConvKind::conv, 3, config, "Conv3D.from_config")));
}

}  // namespace mz::layers
