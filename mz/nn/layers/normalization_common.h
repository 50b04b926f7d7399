// What BatchNormalization, GroupNormalization and LayerNormalization share: the settings of
// their beta (offset) and gamma (scale) weights, from options to weights and configs, and the
// check of a single `axis` argument.
#pragma once

#include <string>

#include "mz/nn/config.h"
#include "mz/nn/constraints.h"
#include "mz/nn/initializers.h"
#include "mz/nn/layer.h"
#include "mz/nn/regularizers.h"

namespace mz::layers {

// The resolved initializers, regularizers and constraints of beta and gamma.
struct BetaGamma {
  InitializerPtr beta_initializer, gamma_initializer;
  RegularizerPtr beta_regularizer, gamma_regularizer;
  ConstraintPtr beta_constraint, gamma_constraint;

  // Adds "gamma" (when with_gamma) then "beta" (when with_beta), both of `shape`, to `layer`.
  void add_weights(Layer& layer, const Shape& shape, bool with_gamma, bool with_beta,
                   VariablePtr* gamma, VariablePtr* beta) const;
  // Writes Keras's six keys "beta_initializer" ... "gamma_constraint" into `config`.
  void write_config(Json& config) const;
};

// The settings of the option fields; a null initializer becomes Keras's default (beta zeros,
// gamma ones).
BetaGamma resolve_beta_gamma(const InitializerSpec& beta_initializer,
                             const InitializerSpec& gamma_initializer,
                             const RegularizerSpec& beta_regularizer,
                             const RegularizerSpec& gamma_regularizer,
                             const ConstraintSpec& beta_constraint,
                             const ConstraintSpec& gamma_constraint);

// The same for any options struct with Keras's six beta/gamma fields.
template <class Options>
BetaGamma resolve_beta_gamma(const Options& o) {
  return resolve_beta_gamma(o.beta_initializer, o.gamma_initializer, o.beta_regularizer,
                            o.gamma_regularizer, o.beta_constraint, o.gamma_constraint);
}

// The settings read from a Keras config's six beta/gamma keys (absent or null: the defaults).
BetaGamma beta_gamma_from_config(const Json& config);

// Sets the six beta/gamma fields of `options` from a Keras config (absent or null keys: the
// defaults above).
template <class Options>
void read_beta_gamma(const Json& config, Options* options) {
  BetaGamma b = beta_gamma_from_config(config);
  options->beta_initializer = b.beta_initializer;
  options->gamma_initializer = b.gamma_initializer;
  options->beta_regularizer = b.beta_regularizer;
  options->gamma_regularizer = b.gamma_regularizer;
  options->beta_constraint = b.beta_constraint;
  options->gamma_constraint = b.gamma_constraint;
}

// `axis` counted from the front for an input of `rank` axes; throws ValueError naming `who` when
// it is outside [-rank, rank).
int normalized_axis(int axis, int rank, const std::string& who);

}  // namespace mz::layers
