// SpatialDropout1D: BaseSpatialDropout over the steps.
#include "mz/nn/layers/spatial_dropout1d.h"

namespace mz::layers {

SpatialDropout1D::SpatialDropout1D(double rate, SpatialDropout1DOptions options)
    : BaseSpatialDropout("SpatialDropout1D", 1, rate, "channels_last", options.seed,
                         std::move(options.name), options.dtype) {}

std::shared_ptr<SpatialDropout1D> SpatialDropout1D::from_config(const Json& config) {
  ConfigFields f = fields_from_config(config, "SpatialDropout1D.from_config");
  return std::make_shared<SpatialDropout1D>(
      f.rate, SpatialDropout1DOptions{.seed = f.seed, .name = f.name, .dtype = f.dtype});
}

}  // namespace mz::layers
