// Keras's MaxNorm, NonNeg, UnitNorm and MinMaxNorm projections, their names and configs.
#include "mz/nn/constraints.h"

#include "mz/core/grad_mode.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz {
namespace constraints {
namespace {

// sqrt(sum(w^2)) along axis, kept as size 1 so it broadcasts against w.
Tensor norms(const Tensor& w, int axis) {
  if (w.rank() == 0) return sqrt(square(w));
  normalize_axis(axis, w.rank(), "constraint");
  return sqrt(sum(square(w), {axis}, true));
}

}  // namespace

Tensor MaxNorm::operator()(const Tensor& w) const {
  NoGrad no_grad;
  Tensor n = norms(w, options_.axis);
  return w * (clip(n, 0.0, options_.max_value) / (n + kEpsilon));
}

Json MaxNorm::config() const {
  return {{"max_value", options_.max_value}, {"axis", options_.axis}};
}

Tensor NonNeg::operator()(const Tensor& w) const {
  NoGrad no_grad;
  return w * cast(ge(w, zeros({}, {.dtype = w.dtype(), .device = w.device()})), w.dtype());
}

Tensor UnitNorm::operator()(const Tensor& w) const {
  NoGrad no_grad;
  return w / (norms(w, options_.axis) + kEpsilon);
}

Tensor MinMaxNorm::operator()(const Tensor& w) const {
  NoGrad no_grad;
  Tensor n = norms(w, options_.axis);
  Tensor desired =
      clip(n, options_.min_value, options_.max_value) * options_.rate + n * (1.0 - options_.rate);
  return w * (desired / (n + kEpsilon));
}

Json MinMaxNorm::config() const {
  return {{"min_value", options_.min_value},
          {"max_value", options_.max_value},
          {"rate", options_.rate},
          {"axis", options_.axis}};
}

}  // namespace constraints

namespace {

const char* kValidNames = "max_norm, non_neg, unit_norm, min_max_norm";

ConstraintPtr make(const std::string& name, const Json& c) {
  namespace C = constraints;
  if (name == "MaxNorm" || name == "max_norm")
    return std::make_shared<C::MaxNorm>(
        C::MaxNormOptions{.max_value = config_get(c, "max_value", 2.0, "MaxNorm"),
                          .axis = config_get(c, "axis", 0, "MaxNorm")});
  if (name == "NonNeg" || name == "non_neg") return std::make_shared<C::NonNeg>();
  if (name == "UnitNorm" || name == "unit_norm")
    return std::make_shared<C::UnitNorm>(
        C::UnitNormOptions{.axis = config_get(c, "axis", 0, "UnitNorm")});
  if (name == "MinMaxNorm" || name == "min_max_norm")
    return std::make_shared<C::MinMaxNorm>(
        C::MinMaxNormOptions{.min_value = config_get(c, "min_value", 0.0, "MinMaxNorm"),
                             .max_value = config_get(c, "max_value", 1.0, "MinMaxNorm"),
                             .rate = config_get(c, "rate", 1.0, "MinMaxNorm"),
                             .axis = config_get(c, "axis", 0, "MinMaxNorm")});
  return nullptr;
}

}  // namespace

ConstraintPtr get_constraint(const std::string& name) {
  ConstraintPtr c = make(name, Json::object());
  if (!c)
    throw ValueError(str("get_constraint: unknown constraint: expected one of ", kValidNames,
                         "; got \"", name, "\"."));
  return c;
}

ConstraintPtr constraint_from_config(const Json& config) {
  if (config.is_null()) return nullptr;
  if (config.is_string()) return get_constraint(config.get<std::string>());
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw ValueError(
        str("constraint_from_config: expected a name or {\"class_name\": ..., "
            "\"config\": {...}}, got ",
            config.dump(), "."));
  std::string name = config["class_name"].get<std::string>();
  ConstraintPtr c = make(name, config.contains("config") ? config["config"] : Json::object());
  if (!c)
    throw ValueError(
        str("constraint_from_config: unknown constraint class: expected one of "
            "MaxNorm, NonNeg, UnitNorm, MinMaxNorm; got \"",
            name, "\"."));
  return c;
}

Json constraint_to_config(const ConstraintPtr& constraint) {
  if (!constraint) return nullptr;
  return {{"module", "keras.constraints"},
          {"class_name", constraint->class_name()},
          {"config", constraint->config()},
          {"registered_name", nullptr}};
}

}  // namespace mz
