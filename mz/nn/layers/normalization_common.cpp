// The beta/gamma settings and the axis check that the normalization layers share.
#include "mz/nn/layers/normalization_common.h"

namespace mz::layers {

void BetaGamma::add_weights(Layer& layer, const Shape& shape, bool with_gamma, bool with_beta,
                            VariablePtr* gamma, VariablePtr* beta) const {
  if (with_gamma)
    *gamma = layer.add_weight("gamma", shape, gamma_initializer, true, gamma_regularizer,
                              gamma_constraint);
  if (with_beta)
    *beta =
        layer.add_weight("beta", shape, beta_initializer, true, beta_regularizer, beta_constraint);
}

void BetaGamma::write_config(Json& config) const {
  config["beta_initializer"] = initializer_to_config(beta_initializer);
  config["gamma_initializer"] = initializer_to_config(gamma_initializer);
  config["beta_regularizer"] = regularizer_to_config(beta_regularizer);
  config["gamma_regularizer"] = regularizer_to_config(gamma_regularizer);
  config["beta_constraint"] = constraint_to_config(beta_constraint);
  config["gamma_constraint"] = constraint_to_config(gamma_constraint);
}

BetaGamma resolve_beta_gamma(const InitializerSpec& beta_initializer,
                             const InitializerSpec& gamma_initializer,
                             const RegularizerSpec& beta_regularizer,
                             const RegularizerSpec& gamma_regularizer,
                             const ConstraintSpec& beta_constraint,
                             const ConstraintSpec& gamma_constraint) {
  BetaGamma b{.beta_initializer = beta_initializer.get(),
              .gamma_initializer = gamma_initializer.get(),
              .beta_regularizer = beta_regularizer.get(),
              .gamma_regularizer = gamma_regularizer.get(),
              .beta_constraint = beta_constraint.get(),
              .gamma_constraint = gamma_constraint.get()};
  if (!b.beta_initializer) b.beta_initializer = get_initializer("zeros");
  if (!b.gamma_initializer) b.gamma_initializer = get_initializer("ones");
  return b;
}

BetaGamma beta_gamma_from_config(const Json& config) {
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  auto init = [&](const char* key, const char* fallback) {
    const Json v = get(key);
    return v.is_null() ? get_initializer(fallback) : initializer_from_config(v);
  };
  return BetaGamma{.beta_initializer = init("beta_initializer", "zeros"),
                   .gamma_initializer = init("gamma_initializer", "ones"),
                   .beta_regularizer = regularizer_from_config(get("beta_regularizer")),
                   .gamma_regularizer = regularizer_from_config(get("gamma_regularizer")),
                   .beta_constraint = constraint_from_config(get("beta_constraint")),
                   .gamma_constraint = constraint_from_config(get("gamma_constraint"))};
}

int normalized_axis(int axis, int rank, const std::string& who) {
  if (axis < -rank || axis >= rank)
    throw ValueError(str(who, ": axis ", axis, " is out of range for inputs of rank ", rank,
                         ": expected ", -rank, " to ", rank - 1, ", got ", axis, "."));
  return axis < 0 ? axis + rank : axis;
}

}  // namespace mz::layers
