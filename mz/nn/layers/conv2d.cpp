// Conv2D: a 2-D convolution layer on ConvBase.
#include "mz/nn/layers/conv2d.h"

namespace mz::layers {

Conv2D::Conv2D(int64_t filters, SpatialInts kernel_size, Conv2DOptions options)
    : ConvBase("Conv2D", conv_spec(2, filters, std::move(kernel_size), std::move(options))) {}

Conv2D::Conv2D(ConvSpec spec) : ConvBase("Conv2D", std::move(spec)) {}

std::shared_ptr<Conv2D> Conv2D::from_config(const Json& config) {
  return std::shared_ptr<Conv2D>(
      new Conv2D(spec_from_config(ConvKind::conv, 2, config, "Conv2D.from_config")));
}

}  // namespace mz::layers
