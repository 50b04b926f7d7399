// SpatialDropout3D: BaseSpatialDropout over 3 spatial axes.
#include "mz/nn/layers/spatial_dropout3d.h"

namespace mz::layers {

SpatialDropout3D::SpatialDropout3D(double rate, SpatialDropout3DOptions options)
    : BaseSpatialDropout("SpatialDropout3D", 3, rate, std::move(options.data_format), options.seed,
                         std::move(options.name), options.dtype) {}

std::shared_ptr<SpatialDropout3D> SpatialDropout3D::from_config(const Json& config) {
  ConfigFields f = fields_from_config(config, "SpatialDropout3D.from_config");
  return std::make_shared<SpatialDropout3D>(
      f.rate, SpatialDropout3DOptions{
                  .data_format = f.data_format, .seed = f.seed, .name = f.name, .dtype = f.dtype});
}

}  // namespace mz::layers
