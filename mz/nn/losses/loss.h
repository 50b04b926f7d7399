// Loss: Keras's base class. call() gives per-sample losses; operator() weights and reduces them
// ("sum_over_batch_size": the weighted sum divided by the number of elements, as Keras 3).
// Concrete losses live in nn/losses/, one class per file; get_loss() resolves Keras names.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"

namespace mz {

class Loss {
 public:
  // reduction: "sum_over_batch_size" (default), "sum", "mean" (same as the default),
  // "mean_with_sample_weight" (divides by the sum of the weights) or "none"; anything else
  // throws ValueError listing those.
  Loss(std::string name, std::string reduction = "sum_over_batch_size");
  virtual ~Loss() = default;

  // Per-sample losses, shape (batch, ...) without the class/feature axis; recorded by autograd.
  virtual Tensor call(const Tensor& y_true, const Tensor& y_pred) const = 0;
  // The reduced loss (a scalar unless reduction == "none"); sample_weight (batch,) broadcasts.
  Tensor operator()(const Tensor& y_true, const Tensor& y_pred,
                    const Tensor& sample_weight = {}) const;
  const std::string& name() const { return name_; }
  const std::string& reduction() const { return reduction_; }
  // Keras's class name, for configs ("SparseCategoricalCrossentropy").
  virtual std::string class_name() const = 0;
  virtual Json config() const;

 protected:
  // Per-sample losses plus, where some entries must not count (SparseCategoricalCrossentropy's
  // ignore_class), a 0/1 mask of those that do: operator() then averages over the mask only,
  // as Keras does with the mask it attaches. Default: call() and no mask.
  struct MaskedLosses {
    Tensor values, mask;
  };
  virtual MaskedLosses call_masked(const Tensor& y_true, const Tensor& y_pred) const {
    return {call(y_true, y_pred), {}};
  }

 private:
  std::string name_, reduction_;
};

using LossPtr = std::shared_ptr<Loss>;
// A custom loss: per-sample losses from (y_true, y_pred).
using LossFn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

// Resolves a Keras loss name: "mse", "mean_squared_error", "categorical_crossentropy",
// "sparse_categorical_crossentropy", "binary_crossentropy", "mae", "huber", ... Throws
// ValueError listing the valid names.
LossPtr get_loss(const std::string& name);
// Wraps a callable as a Loss named `name`.
LossPtr make_loss(LossFn fn, std::string name = "custom_loss");
// Builds a loss from Keras's {"class_name": ..., "config": {...}}.
LossPtr loss_from_config(const Json& config);

// What compile() accepts as a loss: a name, a Loss object, or a callable.
class LossSpec {
 public:
  LossSpec() = default;
  LossSpec(const char* name) : ptr_(get_loss(name)) {}         // NOLINT
  LossSpec(const std::string& name) : ptr_(get_loss(name)) {}  // NOLINT
  LossSpec(LossPtr loss) : ptr_(std::move(loss)) {}            // NOLINT
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Loss>
  LossSpec(T&& loss) : ptr_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(loss))) {}  // NOLINT
  LossSpec(LossFn fn) : ptr_(make_loss(std::move(fn))) {}  // NOLINT
  const LossPtr& get() const { return ptr_; }

 private:
  LossPtr ptr_;
};

}  // namespace mz
