// Regularizers: penalties on weights (or activations) that layers add to the loss, with Keras's
// names and defaults. The base class Regularizer sits in mz; L1, L2, L1L2 in mz::regularizers.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <utility>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"

namespace mz {

class Regularizer {
 public:
  virtual ~Regularizer() = default;
  // The penalty for `w`: a scalar of w's dtype, recorded by autograd.
  virtual Tensor operator()(const Tensor& w) const = 0;
  // Keras's class name ("L2").
  virtual std::string class_name() const = 0;
  // Keras's config dict ({"l2": 0.01}).
  virtual Json config() const = 0;
};

using RegularizerPtr = std::shared_ptr<Regularizer>;

// Resolves "l1", "l2", "l1_l2" (and the class names "L1", "L2", "L1L2") with Keras 3's
// defaults; throws ValueError listing the valid names.
RegularizerPtr get_regularizer(const std::string& name);
// From Keras's {"class_name": ..., "config": {...}} (also a bare name; null gives nullptr).
RegularizerPtr regularizer_from_config(const Json& config);
// {"module": "keras.regularizers", "class_name", "config", "registered_name": null}; null for
// nullptr.
Json regularizer_to_config(const RegularizerPtr& regularizer);

// What layer options accept as a regularizer: nothing (the default), a name or an object.
class RegularizerSpec {
 public:
  RegularizerSpec() = default;
  RegularizerSpec(std::nullptr_t) {}                                         // NOLINT
  RegularizerSpec(const char* name) : ptr_(get_regularizer(name)) {}         // NOLINT
  RegularizerSpec(const std::string& name) : ptr_(get_regularizer(name)) {}  // NOLINT
  RegularizerSpec(RegularizerPtr r) : ptr_(std::move(r)) {}                  // NOLINT
  // (clang-format 14 mangles requires-clauses.)
  // clang-format off
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Regularizer>
  RegularizerSpec(T&& r)  // NOLINT
      : ptr_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(r))) {}
  // clang-format on
  const RegularizerPtr& get() const { return ptr_; }

 private:
  RegularizerPtr ptr_;
};

namespace regularizers {

// l1 * sum(|w|). Throws ValueError for a negative or non-finite l1.
class L1 : public Regularizer {
 public:
  explicit L1(double l1 = 0.01);
  Tensor operator()(const Tensor& w) const override;
  std::string class_name() const override { return "L1"; }
  Json config() const override { return {{"l1", l1_}}; }
  double l1() const { return l1_; }

 private:
  double l1_;
};

// l2 * sum(w^2). Throws ValueError for a negative or non-finite l2.
class L2 : public Regularizer {
 public:
  explicit L2(double l2 = 0.01);
  Tensor operator()(const Tensor& w) const override;
  std::string class_name() const override { return "L2"; }
  Json config() const override { return {{"l2", l2_}}; }
  double l2() const { return l2_; }

 private:
  double l2_;
};

struct L1L2Options {
  double l1 = 0.0;
  double l2 = 0.0;
};

// l1 * sum(|w|) + l2 * sum(w^2); a zero factor's term is left out.
class L1L2 : public Regularizer {
 public:
  explicit L1L2(L1L2Options options = {});
  Tensor operator()(const Tensor& w) const override;
  std::string class_name() const override { return "L1L2"; }
  Json config() const override { return {{"l1", options_.l1}, {"l2", options_.l2}}; }

 private:
  L1L2Options options_;
};

}  // namespace regularizers
}  // namespace mz
