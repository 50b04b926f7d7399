// SpatialDropout2D: BaseSpatialDropout over 2 spatial axes.
#include "mz/nn/layers/spatial_dropout2d.h"

namespace mz::layers {

SpatialDropout2D::SpatialDropout2D(double rate, SpatialDropout2DOptions options)
    : BaseSpatialDropout("SpatialDropout2D", 2, rate, std::move(options.data_format), options.seed,
                         std::move(options.name), options.dtype) {}

std::shared_ptr<SpatialDropout2D> SpatialDropout2D::from_config(const Json& config) {
  ConfigFields f = fields_from_config(config, "SpatialDropout2D.from_config");
  return std::make_shared<SpatialDropout2D>(
      f.rate, SpatialDropout2DOptions{
                  .data_format = f.data_format, .seed = f.seed, .name = f.name, .dtype = f.dtype});
}

}  // namespace mz::layers
