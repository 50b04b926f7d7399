// Dropout layer: mz::dropout, or a broadcast mask when noise_shape is given.
#include "mz/nn/layers/dropout.h"

#include "mz/nn/layers/dropout_args.h"
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
  check_dropout_args(rate_, noise_shape_, who());
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
}

Tensor Dropout::call(const Tensor& x, bool training) {
  Generator& gen = generator_ ? *generator_ : default_generator();
  if (!training || rate_ == 0.0) return x;
  if (noise_shape_.empty()) return dropout(x, rate_, training, gen);
  const Shape mask_shape = dropout_mask_shape(noise_shape_, x, who());
  Tensor keep = bernoulli(mask_shape, 1.0 - rate_, {.dtype = x.dtype(), .device = x.device()}, gen);
  return x * (keep * (1.0 / (1.0 - rate_)));
}

Json Dropout::config() const {
  Json c = Layer::config();
  write_dropout_config(rate_, seed_, noise_shape_, c);
  return c;
}

std::shared_ptr<Dropout> Dropout::from_config(const Json& config) {
  DropoutConfig d = read_dropout_config(config, "Dropout.from_config");
  return std::make_shared<Dropout>(d.rate, DropoutOptions{.noise_shape = std::move(d.noise_shape),
                                                          .seed = d.seed,
                                                          .name = d.common.name,
                                                          .trainable = d.common.trainable,
                                                          .dtype = d.common.dtype});
}

}  // namespace mz::layers
