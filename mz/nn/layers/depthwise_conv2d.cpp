// DepthwiseConv2D: a 2-D depthwise layer on ConvBase.
#include "mz/nn/layers/depthwise_conv2d.h"

namespace mz::layers {

DepthwiseConv2D::DepthwiseConv2D(SpatialInts kernel_size, DepthwiseConv2DOptions options)
    : ConvBase("DepthwiseConv2D",
               depthwise_conv_spec(2, std::move(kernel_size), std::move(options))) {}

DepthwiseConv2D::DepthwiseConv2D(ConvSpec spec) : ConvBase("DepthwiseConv2D", std::move(spec)) {}

std::shared_ptr<DepthwiseConv2D> DepthwiseConv2D::from_config(const Json& config) {
  return std::shared_ptr<DepthwiseConv2D>(new DepthwiseConv2D(
      spec_from_config(ConvKind::depthwise, 2, config, "DepthwiseConv2D.from_config")));
}

}  // namespace mz::layers
