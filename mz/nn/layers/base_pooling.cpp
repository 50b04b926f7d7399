// BasePooling: argument checks, the pooling call, the shape rule and Keras's config.
#include "mz/nn/layers/base_pooling.h"

#include <algorithm>
#include <cctype>

#include "mz/nn/layers/spatial_args.h"
#include "mz/ops/pool.h"

namespace mz::layers {

BasePooling::BasePooling(std::string class_name, int spatial, Mode mode, PoolingOptions options)
    : Layer(std::move(class_name), LayerCommon{.name = std::move(options.name),
                                               .trainable = options.trainable,
                                               .dtype = options.dtype}),
      spatial_(spatial),
      mode_(mode),
      padding_(options.padding),
      data_format_(std::move(options.data_format)) {
  pool_size_ = detail::per_axis(options.pool_size, spatial_, 2, 1, "pool_size", who());
  strides_ = options.strides.empty()
                 ? pool_size_
                 : detail::per_axis(options.strides, spatial_, 1, 1, "strides", who());
  std::transform(padding_.begin(), padding_.end(), padding_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (padding_ != "valid" && padding_ != "same")
    throw ValueError(
        str(who(), ": padding must be \"valid\" or \"same\", got \"", options.padding, "\"."));
  detail::expect_channels_last(data_format_, who());
}

Tensor BasePooling::call(const Tensor& x, bool /*training*/) {
  detail::expect_rank(x.shape(), spatial_ + 2, detail::spatial_layout(spatial_), who());
  // Check the geometry with the layer's name in the message before the op runs.
  pool_output_shape(x.shape(), pool_size_, strides_, padding_, who());
  return mode_ == Mode::max ? max_pool(x, pool_size_, strides_, padding_)
                            : avg_pool(x, pool_size_, strides_, padding_);
}

Shape BasePooling::compute_output_shape(const Shape& input_shape) {
  detail::expect_rank(input_shape, spatial_ + 2, detail::spatial_layout(spatial_), who());
  return pool_output_shape(input_shape, pool_size_, strides_, padding_, who());
}

Json BasePooling::config() const {
  Json c = Layer::config();
  c["pool_size"] = detail::ints_json(pool_size_);
  c["padding"] = padding_;
  c["strides"] = detail::ints_json(strides_);
  c["data_format"] = data_format_;
  return c;
}

PoolingOptions BasePooling::options_from_config(const Json& config, int spatial,
                                                const std::string& who) {
  LayerCommon common = layer_common_from_config(config, who);
  std::vector<int64_t> pool = detail::config_ints(config, "pool_size", spatial, {}, who);
  return PoolingOptions{
      .pool_size = pool,
      .strides = detail::config_ints(config, "strides", spatial, pool, who),
      .padding = config_get<std::string>(config, "padding", "valid", who),
      .data_format = config_get<std::string>(config, "data_format", "channels_last", who),
      .name = common.name,
      .trainable = common.trainable,
      .dtype = common.dtype};
}

}  // namespace mz::layers
