// SeparableConv2D: a 2-D separable layer on ConvBase.
#include "mz/nn/layers/separable_conv2d.h"

namespace mz::layers {

SeparableConv2D::SeparableConv2D(int64_t filters, SpatialInts kernel_size,
                                 SeparableConv2DOptions options)
    : ConvBase("SeparableConv2D",
               separable_conv_spec(2, filters, std::move(kernel_size), std::move(options))) {}

SeparableConv2D::SeparableConv2D(ConvSpec spec) : ConvBase("SeparableConv2D", std::move(spec)) {}

std::shared_ptr<SeparableConv2D> SeparableConv2D::from_config(const Json& config) {
  return std::shared_ptr<SeparableConv2D>(new SeparableConv2D(
      spec_from_config(ConvKind::separable, 2, config, "SeparableConv2D.from_config")));
}

}  // namespace mz::layers
