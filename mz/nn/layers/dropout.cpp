// Dropout layer: mz::dropout, or a broadcast mask when noise_shape is given.
#include "mz/nn/layers/dropout.h"

#include "mz/ops/arith.h"
#include "mz/ops/random.h"

namespace mz::layers {

Dropout::Dropout(double rate, DropoutOptions options)
    : Layer("Dropout", LayerCommon{.name = std::move(options.name),
                                   .trainable = options.trainable,
                                   .dtype = options.dtype}),
      rate_(rate),
      noise_shape_(std::move(options.noise_shape)),
      seed_(options.seed) {
  if (!(rate_ >= 0.0 && rate_ < 1.0))
    throw ValueError(
        str(who(), ": rate must be in [0, 1): expected 0 <= rate < 1, got ", rate_, "."));
  for (int64_t d : noise_shape_)
    if (d == 0 || d < -1)
      throw ValueError(str(who(), ": noise_shape dimensions must be positive or -1 (None): got ",
                           Shape(noise_shape_), "."));
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
}

Tensor Dropout::call(const Tensor& x, bool training) {
  Generator& gen = generator_ ? *generator_ : default_generator();
  if (!training || rate_ == 0.0) return x;
  if (noise_shape_.empty()) return dropout(x, rate_, training, gen);
  if (static_cast<int>(noise_shape_.size()) != x.rank())
    throw ShapeError(str(who(), ": noise_shape must have the input's rank: expected ", x.rank(),
                         " dimensions, got ", Shape(noise_shape_), " for input ", x.shape(), "."));
  Shape mask_shape(noise_shape_);
  for (int i = 0; i < x.rank(); ++i) {
    if (mask_shape[i] == -1) mask_shape[i] = x.shape()[i];
    if (mask_shape[i] != 1 && mask_shape[i] != x.shape()[i])
      throw ShapeError(str(who(),
                           ": noise_shape does not broadcast to the input: expected each "
                           "dimension 1, -1 or the input's, got ",
                           Shape(noise_shape_), " for input ", x.shape(), "."));
  }
  Tensor keep = bernoulli(mask_shape, 1.0 - rate_, {.dtype = x.dtype(), .device = x.device()}, gen);
  return x * (keep * (1.0 / (1.0 - rate_)));
}

Json Dropout::config() const {
  Json c = Layer::config();
  c["rate"] = rate_;
  c["seed"] = seed_ ? Json(*seed_) : Json(nullptr);
  if (noise_shape_.empty()) {
    c["noise_shape"] = nullptr;
  } else {
    Json ns = Json::array();
    for (int64_t d : noise_shape_) ns.push_back(d < 0 ? Json(nullptr) : Json(d));
    c["noise_shape"] = ns;
  }
  return c;
}

std::shared_ptr<Dropout> Dropout::from_config(const Json& config) {
  const std::string who = "Dropout.from_config";
  if (!config.is_object() || !config.contains("rate"))
    throw ValueError(str(who, ": config needs \"rate\", got ", config.dump(), "."));
  LayerCommon common = layer_common_from_config(config, who);
  DropoutOptions options{.name = common.name, .trainable = common.trainable, .dtype = common.dtype};
  if (config.contains("seed") && !config["seed"].is_null())
    options.seed = config_get<int64_t>(config, "seed", 0, who);
  if (config.contains("noise_shape") && !config["noise_shape"].is_null()) {
    const Json& ns = config["noise_shape"];
    if (!ns.is_array())
      throw ValueError(str(who, ": config \"noise_shape\": expected a list, got ", ns.dump(), "."));
    for (const Json& d : ns) {
      if (!d.is_null() && !d.is_number_integer())
        throw ValueError(
            str(who, ": config \"noise_shape\": expected integers or null, got ", ns.dump(), "."));
      options.noise_shape.push_back(d.is_null() ? -1 : d.get<int64_t>());
    }
  }
  return std::make_shared<Dropout>(config_get(config, "rate", 0.0, who), std::move(options));
}

}  // namespace mz::layers
