// AlphaDropout layer: a keep mask (per element or per noise_shape cell), SELU's saturation for
// the dropped ones, then Keras's affine correction.
#include "mz/nn/layers/alpha_dropout.h"

#include <cmath>

#include "mz/nn/layers/dropout_args.h"
#include "mz/ops/arith.h"
#include "mz/ops/random.h"

namespace mz::layers {

AlphaDropout::AlphaDropout(double rate, AlphaDropoutOptions options)
    : Layer("AlphaDropout", LayerCommon{.name = std::move(options.name),
                                        .trainable = options.trainable,
                                        .dtype = options.dtype}),
      rate_(rate),
      noise_shape_(std::move(options.noise_shape)),
      seed_(options.seed) {
  check_dropout_args(rate_, noise_shape_, who());
  supports_masking_ = true;
  if (seed_) generator_.emplace(static_cast<uint64_t>(*seed_));
}

Tensor AlphaDropout::call(const Tensor& x, bool training) {
  if (!training || rate_ == 0.0) return x;
  const Shape mask_shape = dropout_mask_shape(noise_shape_, x, who());
  // SELU's constants, as Keras spells them.
  const double alpha = 1.6732632423543772848170429916717;
  const double scale = 1.0507009873554804934193349852946;
  const double alpha_p = -alpha * scale;
  const double a = std::pow((1.0 - rate_) * (1.0 + rate_ * alpha_p * alpha_p), -0.5);
  const double b = -a * alpha_p * rate_;
  Generator& gen = generator_ ? *generator_ : default_generator();
  Tensor kept = bernoulli(mask_shape, 1.0 - rate_, {.dtype = x.dtype(), .device = x.device()}, gen);
  // a * (x * kept + alpha' * (1 - kept)) + b, with the constant part folded per mask cell.
  return x * (kept * a) + ((1.0 - kept) * (a * alpha_p) + b);
}

Json AlphaDropout::config() const {
  Json c = Layer::config();
  write_dropout_config(rate_, seed_, noise_shape_, c);
  return c;
}

std::shared_ptr<AlphaDropout> AlphaDropout::from_config(const Json& config) {
  DropoutConfig d = read_dropout_config(config, "AlphaDropout.from_config");
  return std::make_shared<AlphaDropout>(d.rate,
                                        AlphaDropoutOptions{.noise_shape = std::move(d.noise_shape),
                                                            .seed = d.seed,
                                                            .name = d.common.name,
                                                            .trainable = d.common.trainable,
                                                            .dtype = d.common.dtype});
}

}  // namespace mz::layers
