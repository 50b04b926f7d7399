// Metric: Keras's stateful base class (update_state / result / reset_state). Concrete metrics
// live in nn/metrics/, one class per file; get_metric() resolves names as Keras's compile does.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"

namespace mz {

class Loss;

class Metric {
 public:
  explicit Metric(std::string name) : name_(std::move(name)) {}
  virtual ~Metric() = default;
  // Accumulates a batch; sample_weight (batch,) optional. Never recorded by autograd.
  virtual void update_state(const Tensor& y_true, const Tensor& y_pred,
                            const Tensor& sample_weight = {}) = 0;
  // The value over everything since the last reset.
  virtual double result() const = 0;
  // Every value where the metric has several (Precision with a list of thresholds,
  // F1Score(average=None) per class, R2Score per output); by default {result()}.
  virtual std::vector<double> result_values() const { return {result()}; }
  virtual void reset_state() = 0;
  const std::string& name() const { return name_; }
  virtual std::string class_name() const = 0;
  virtual Json config() const;

 private:
  std::string name_;
};

using MetricPtr = std::shared_ptr<Metric>;
using MetricFn = std::function<Tensor(const Tensor& y_true, const Tensor& y_pred)>;

// Resolves a metric name as Keras's compile does. "accuracy"/"acc" becomes Binary-,
// Categorical- or SparseCategoricalAccuracy by the loss (and, for custom losses, by the shapes
// of the first batch: y_pred last dim 1 -> binary; y_true one dimension shorter or last dim 1
// with y_pred wider -> sparse; else categorical); likewise "crossentropy"/"ce". Other names:
// "mse", "mae", "mape", "msle", "rmse", "auc", "precision", "recall", "top_k_categorical_accuracy",
// class names ("CategoricalAccuracy") ... Throws ValueError listing the valid names.
MetricPtr get_metric(const std::string& name, const Loss* loss, const Shape& y_true_shape,
                     const Shape& y_pred_shape);
// Wraps a callable (per-sample values) as a mean metric named `name`.
MetricPtr make_metric(MetricFn fn, std::string name);

// What compile() accepts as a metric: a name (resolved at the first batch), a Metric, or a
// callable.
class MetricSpec {
 public:
  MetricSpec(const char* name) : name_(name) {}         // NOLINT
  MetricSpec(std::string name) : name_(std::move(name)) {}  // NOLINT
  MetricSpec(MetricPtr metric) : ptr_(std::move(metric)) {}  // NOLINT
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Metric>
  MetricSpec(T&& m) : ptr_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(m))) {}  // NOLINT
  const std::string& name() const { return name_; }
  const MetricPtr& get() const { return ptr_; }
  // Resolves a name against the loss and the first batch's shapes.
  MetricPtr resolve(const Loss* loss, const Shape& y_true, const Shape& y_pred) const;

 private:
  std::string name_;
  MetricPtr ptr_;
};

}  // namespace mz
