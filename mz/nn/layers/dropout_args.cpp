// The checks, keep-mask shape and config keys of Dropout's and AlphaDropout's arguments.
#include "mz/nn/layers/dropout_args.h"

namespace mz::layers {

void check_dropout_args(double rate, const std::vector<int64_t>& noise_shape,
                        const std::string& who) {
  if (!(rate >= 0.0 && rate < 1.0))
    throw ValueError(str(who, ": rate must be in [0, 1): expected 0 <= rate < 1, got ", rate, "."));
  for (int64_t d : noise_shape)
    if (d == 0 || d < -1)
      throw ValueError(str(who, ": noise_shape dimensions must be positive or -1 (None): got ",
                           Shape(noise_shape), "."));
}

Shape dropout_mask_shape(const std::vector<int64_t>& noise_shape, const Tensor& x,
                         const std::string& who) {
  Shape mask_shape = x.shape();
  if (noise_shape.empty()) return mask_shape;
  if (static_cast<int>(noise_shape.size()) != x.rank())
    throw ShapeError(str(who, ": noise_shape must have the input's rank: expected ", x.rank(),
                         " dimensions, got ", Shape(noise_shape), " for input ", x.shape(), "."));
  for (int i = 0; i < x.rank(); ++i) {
    mask_shape[i] = noise_shape[i] == -1 ? x.shape()[i] : noise_shape[i];
    if (mask_shape[i] != 1 && mask_shape[i] != x.shape()[i])
      throw ShapeError(str(who,
                           ": noise_shape does not broadcast to the input: expected each "
                           "dimension 1, -1 or the input's, got ",
                           Shape(noise_shape), " for input ", x.shape(), "."));
  }
  return mask_shape;
}

void write_dropout_config(double rate, const std::optional<int64_t>& seed,
                          const std::vector<int64_t>& noise_shape, Json& config) {
  config["rate"] = rate;
  config["seed"] = seed ? Json(*seed) : Json(nullptr);
  if (noise_shape.empty()) {
    config["noise_shape"] = nullptr;
  } else {
    Json ns = Json::array();
    for (int64_t d : noise_shape) ns.push_back(d < 0 ? Json(nullptr) : Json(d));
    config["noise_shape"] = ns;
  }
}

DropoutConfig read_dropout_config(const Json& config, const std::string& who) {
  if (!config.is_object() || !config.contains("rate"))
    throw ValueError(str(who, ": config needs \"rate\", got ", config.dump(), "."));
  DropoutConfig out;
  out.common = layer_common_from_config(config, who);
  if (config.contains("seed") && !config["seed"].is_null())
    out.seed = config_get<int64_t>(config, "seed", 0, who);
  if (config.contains("noise_shape") && !config["noise_shape"].is_null()) {
    const Json& ns = config["noise_shape"];
    if (!ns.is_array())
      throw ValueError(str(who, ": config \"noise_shape\": expected a list, got ", ns.dump(), "."));
    for (const Json& d : ns) {
      if (!d.is_null() && !d.is_number_integer())
        throw ValueError(
            str(who, ": config \"noise_shape\": expected integers or null, got ", ns.dump(), "."));
      out.noise_shape.push_back(d.is_null() ? -1 : d.get<int64_t>());
    }
  }
  out.rate = config_get(config, "rate", 0.0, who);
  return out;
}

}  // namespace mz::layers
