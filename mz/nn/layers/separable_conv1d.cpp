// SeparableConv1D: a 1-D separable layer on ConvBase.
#include "mz/nn/layers/separable_conv1d.h"

namespace mz::layers {

SeparableConv1D::SeparableConv1D(int64_t filters, SpatialInts kernel_size,
                                 SeparableConv1DOptions options)
    : ConvBase("SeparableConv1D",
               separable_conv_spec(1, filters, std::move(kernel_size), std::move(options))) {}

SeparableConv1D::SeparableConv1D(ConvSpec spec) : ConvBase("SeparableConv1D", std::move(spec)) {}

std::shared_ptr<SeparableConv1D> SeparableConv1D::from_config(const Json& config) {
  return std::shared_ptr<SeparableConv1D>(new SeparableConv1D(
      spec_from_config(ConvKind::separable, 1, config, "SeparableConv1D.from_config")));
}

}  // namespace mz::layers
