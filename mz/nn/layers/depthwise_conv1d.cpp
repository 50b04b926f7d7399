// DepthwiseConv1D: a 1-D depthwise layer on ConvBase.
#include "mz/nn/layers/depthwise_conv1d.h"

namespace mz::layers {

DepthwiseConv1D::DepthwiseConv1D(SpatialInts kernel_size, DepthwiseConv1DOptions options)
    : ConvBase("DepthwiseConv1D",
               depthwise_conv_spec(1, std::move(kernel_size), std::move(options))) {}

DepthwiseConv1D::DepthwiseConv1D(ConvSpec spec) : ConvBase("DepthwiseConv1D", std::move(spec)) {}

std::shared_ptr<DepthwiseConv1D> DepthwiseConv1D::from_config(const Json& config) {
  return std::shared_ptr<DepthwiseConv1D>(new DepthwiseConv1D(
      spec_from_config(ConvKind::depthwise, 1, config, "DepthwiseConv1D.from_config")));
}

}  // namespace mz::layers
