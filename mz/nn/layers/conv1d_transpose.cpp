// Conv1DTranspose: a 1-D transpose layer on ConvBase.
#include "mz/nn/layers/conv1d_transpose.h"

namespace mz::layers {

Conv1DTranspose::Conv1DTranspose(int64_t filters, SpatialInts kernel_size,
                                 Conv1DTransposeOptions options)
    : ConvBase("Conv1DTranspose",
               conv_transpose_spec(1, filters, std::move(kernel_size), std::move(options))) {}

Conv1DTranspose::Conv1DTranspose(ConvSpec spec) : ConvBase("Conv1DTranspose", std::move(spec)) {}

std::shared_ptr<Conv1DTranspose> Conv1DTranspose::from_config(const Json& config) {
  return std::shared_ptr<Conv1DTranspose>(new Conv1DTranspose(
      spec_from_config(ConvKind::transpose, 1, config, "Conv1DTranspose.from_config")));
}

}  // namespace mz::layers
