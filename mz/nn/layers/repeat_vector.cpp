// RepeatVector layer: unsqueeze, expand and a contiguous copy (its gradient sums the copies).
#include "mz/nn/layers/repeat_vector.h"

#include "mz/nn/layers/spatial_args.h"

namespace mz::layers {

RepeatVector::RepeatVector(int64_t n, LayerCommon common)
    : Layer("RepeatVector", std::move(common)), n_(n) {
  if (n_ < 1) throw ValueError(str(who(), ": n must be positive: expected n >= 1, got ", n_, "."));
}

Tensor RepeatVector::call(const Tensor& x, bool /*training*/) {
  detail::expect_rank(x.shape(), 2, "(batch, features)", who());
  return x.unsqueeze(1).expand({x.shape()[0], n_, x.shape()[1]}).contiguous();
}

Shape RepeatVector::compute_output_shape(const Shape& input_shape) {
  detail::expect_rank(input_shape, 2, "(batch, features)", who());
  return {input_shape[0], n_, input_shape[1]};
}

Json RepeatVector::config() const {
  Json c = Layer::config();
  c["n"] = n_;
  return c;
}

std::shared_ptr<RepeatVector> RepeatVector::from_config(const Json& config) {
  const std::string who = "RepeatVector.from_config";
  if (!config.is_object() || !config.contains("n"))
    throw ValueError(str(who, ": config needs \"n\", got ", config.dump(), "."));
  return std::make_shared<RepeatVector>(config_get<int64_t>(config, "n", 1, who),
                                        layer_common_from_config(config, who));
}

}  // namespace mz::layers
