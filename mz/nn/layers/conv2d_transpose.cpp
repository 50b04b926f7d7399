// Conv2DTranspose: a 2-D transpose layer on ConvBase.
#include "mz/nn/layers/conv2d_transpose.h"

namespace mz::layers {

Conv2DTranspose::Conv2DTranspose(int64_t filters, SpatialInts kernel_size,
                                 Conv2DTransposeOptions options)
    : ConvBase("Conv2DTranspose",
               conv_transpose_spec(2, filters, std::move(kernel_size), std::move(options))) {}

Conv2DTranspose::Conv2DTranspose(ConvSpec spec) : ConvBase("Conv2DTranspose", std::move(spec)) {}

std::shared_ptr<Conv2DTranspose> Conv2DTranspose::from_config(const Json& config) {
  return std::shared_ptr<Conv2DTranspose>(new Conv2DTranspose(
      spec_from_config(ConvKind::transpose, 2, config, "Conv2DTranspose.from_config")));
}

}  // namespace mz::layers
