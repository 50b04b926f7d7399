// Conv1D: a 1-D convolution layer on ConvBase.
#include "mz/nn/layers/conv1d.h"

namespace mz::layers {

Conv1D::Conv1D(int64_t filters, SpatialInts kernel_size, Conv1DOptions options)
    : ConvBase("Conv1D", conv_spec(1, filters, std::move(kernel_size), std::move(options))) {}

Conv1D::Conv1D(ConvSpec spec) : ConvBase("Conv1D", std::move(spec)) {}

std::shared_ptr<Conv1D> Conv1D::from_config(const Json& config) {
  return std::shared_ptr<Conv1D>(
      new Conv1D(spec_from_config(ConvKind::conv, 1, config, "Conv1D.from_config")));
}

}  // namespace mz::layers
