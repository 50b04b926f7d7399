// Conv3DTranspose: a 3-D transpose layer on ConvBase.
#include "mz/nn/layers/conv3d_transpose.h"

namespace mz::layers {

Conv3DTranspose::Conv3DTranspose(int64_t filters, SpatialInts kernel_size,
                                 Conv3DTransposeOptions options)
    : ConvBase("Conv3DTranspose",
               conv_transpose_spec(3, filters, std::move(kernel_size), std::move(options))) {}

Conv3DTranspose::Conv3DTranspose(ConvSpec spec) : ConvBase("Conv3DTranspose", std::move(spec)) {}

std::shared_ptr<Conv3DTranspose> Conv3DTranspose::from_config(const Json& config) {
  return std::shared_ptr<Conv3DTranspose>(new Conv3DTranspose(
      spec_from_config(ConvKind::transpose, 3, config, "Conv3DTranspose.from_config")));
}

}  // namespace mz::layers
