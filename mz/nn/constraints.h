// Constraints: projections the optimizer applies to a weight after each update, with Keras's
// names, defaults and formulas. The base class Constraint sits in mz; the concrete ones in
// mz::constraints.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <utility>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"

namespace mz {

class Constraint {
 public:
  virtual ~Constraint() = default;
  // The projected value of `w` (a new tensor of w's shape; computed without autograd). The
  // optimizer copies it into the weight.
  virtual Tensor operator()(const Tensor& w) const = 0;
  // Keras's class name ("MaxNorm").
  virtual std::string class_name() const = 0;
  // Keras's config dict ({"max_value": 2, "axis": 0}).
  virtual Json config() const { return Json::object(); }
};

using ConstraintPtr = std::shared_ptr<Constraint>;

// Resolves "max_norm", "non_neg", "unit_norm", "min_max_norm" (and the class names) with
// Keras's defaults; throws ValueError listing the valid names.
ConstraintPtr get_constraint(const std::string& name);
// From Keras's {"class_name": ..., "config": {...}} (also a bare name; null gives nullptr).
ConstraintPtr constraint_from_config(const Json& config);
// {"module": "keras.constraints", "class_name", "config", "registered_name": null}; null for
// nullptr.
Json constraint_to_config(const ConstraintPtr& constraint);

// What layer options accept as a constraint: nothing (the default), a name or an object.
class ConstraintSpec {
 public:
  ConstraintSpec() = default;
  ConstraintSpec(std::nullptr_t) {}                                        // NOLINT
  ConstraintSpec(const char* name) : ptr_(get_constraint(name)) {}         // NOLINT
  ConstraintSpec(const std::string& name) : ptr_(get_constraint(name)) {}  // NOLINT
  ConstraintSpec(ConstraintPtr c) : ptr_(std::move(c)) {}                  // NOLINT
  // (clang-format 14 mangles requires-clauses.)
  // clang-format off
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Constraint>
  ConstraintSpec(T&& c)  // NOLINT
      : ptr_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(c))) {}
  // clang-format on
  const ConstraintPtr& get() const { return ptr_; }

 private:
  ConstraintPtr ptr_;
};

namespace constraints {

// Keras's epsilon (backend.epsilon()), which keeps the norm divisions finite.
inline constexpr double kEpsilon = 1e-7;

struct MaxNormOptions {
  double max_value = 2.0;
  int axis = 0;
};
// w * clip(n, 0, max_value) / (eps + n), n = sqrt(sum(w^2, axis, keepdims)): the norm along
// `axis` (0: each column of a Dense kernel, each filter of a conv kernel) is at most max_value.
class MaxNorm : public Constraint {
 public:
  explicit MaxNorm(MaxNormOptions options = {}) : options_(options) {}
  Tensor operator()(const Tensor& w) const override;
  std::string class_name() const override { return "MaxNorm"; }
  Json config() const override;

 private:
  MaxNormOptions options_;
};

// w * (w >= 0): negative entries become 0.
class NonNeg : public Constraint {
 public:
  Tensor operator()(const Tensor& w) const override;
  std::string class_name() const override { return "NonNeg"; }
};

struct UnitNormOptions {
  int axis = 0;
};
// w / (eps + sqrt(sum(w^2, axis, keepdims))): unit norm along `axis`.
class UnitNorm : public Constraint {
 public:
  explicit UnitNorm(UnitNormOptions options = {}) : options_(options) {}
  Tensor operator()(const Tensor& w) const override;
  std::string class_name() const override { return "UnitNorm"; }
  Json config() const override { return {{"axis", options_.axis}}; }

 private:
  UnitNormOptions options_;
};

struct MinMaxNormOptions {
  double min_value = 0.0;
  double max_value = 1.0;
  double rate = 1.0;
  int axis = 0;
};
// w * d / (eps + n), d = rate * clip(n, min_value, max_value) + (1 - rate) * n, n the norm
// along `axis`: rate 1 enforces the bounds strictly, smaller rates move towards them.
class MinMaxNorm : public Constraint {
 public:
  explicit MinMaxNorm(MinMaxNormOptions options = {}) : options_(options) {}
  Tensor operator()(const Tensor& w) const override;
  std::string class_name() const override { return "MinMaxNorm"; }
  Json config() const override;

 private:
  MinMaxNormOptions options_;
};

}  // namespace constraints
}  // namespace mz
