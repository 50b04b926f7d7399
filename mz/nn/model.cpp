// Model: compile, weights and losses of the layers, the metric trackers and the single-batch
// calls (train_on_batch, test_on_batch, predict_on_batch). The loops (fit, evaluate, predict)
// are in training.cpp, summary() in summary.cpp.
#include "mz/nn/model.h"

#include <unordered_set>

#include "mz/core/grad_mode.h"
#include "mz/nn/model_utils.h"
#include "mz/ops/shape.h"

namespace mz {
namespace detail {

// Throws unless x and y hold the same number of samples (first dimension).
void check_same_samples(const char* who, const Tensor& x, const Tensor& y,
                        const Tensor& sample_weight) {
  if (!x.defined() || x.rank() == 0)
    throw ValueError(str(who, ": x must have a batch dimension, got ",
                         x.defined() ? to_string(x.shape()) : std::string("an undefined tensor"),
                         "."));
  if (!y.defined() || y.rank() == 0)
    throw ValueError(str(who, ": y must have a batch dimension, got ",
                         y.defined() ? to_string(y.shape()) : std::string("an undefined tensor"),
                         "."));
  if (x.size(0) != y.size(0))
    throw ValueError(str(who, ": x has ", x.size(0), " samples but y has ", y.size(0), "."));
  if (sample_weight.defined() && (sample_weight.rank() == 0 || sample_weight.size(0) != x.size(0)))
    throw ValueError(str(who, ": sample_weight has shape ", sample_weight.shape(), ", expected (",
                         x.size(0), ",) for ", x.size(0), " samples."));
}

void check_compiled(const Model& model, const char* who) {
  if (!model.compiled())
    throw ValueError(str(who,
                         ": the model must be compiled first: call compile() with a loss "
                         "and an optimizer."));
}

void check_batch_size(const char* who, int64_t batch_size) {
  if (batch_size <= 0)
    throw ValueError(str(who, ": batch_size must be positive, got ", batch_size, "."));
}

double scalar_value(const Tensor& t) {
  if (t.numel() != 1 || !t.device().is_host()) return t.item<double>();
  return visit_dtype(t.dtype(), [&](auto zero) {
    return static_cast<double>(*static_cast<const decltype(zero)*>(t.raw_data()));
  });
}

}  // namespace detail

using detail::check_compiled;
using detail::check_same_samples;

Model::Model(LayerCommon common, std::string class_name)
    : Layer(std::move(class_name), std::move(common)),
      shuffle_gen_(default_generator().next_u64()) {}

void Model::compile(CompileOptions options) {
  if (!options.loss.get())
    throw ValueError(
        "Model.compile: a loss is required: pass .loss = a name (\"mse\", "
        "\"sparse_categorical_crossentropy\", ...), a Loss object or a callable.");
  if (!options.optimizer.get())
    throw ValueError(
        "Model.compile: an optimizer is required: pass .optimizer = a name (\"adam\", "
        "\"sgd\", ...) or an Optimizer object.");
  optimizer_ = options.optimizer.get();
  loss_ = options.loss.get();
  metric_specs_ = std::move(options.metrics);
  metrics_.clear();  // resolved again at the first batch
  step_vars_valid_ = false;
  reset_metrics();
}

std::vector<VariablePtr> Model::weights() const {
  std::vector<VariablePtr> out;
  std::unordered_set<const Variable*> seen;
  auto add = [&](const std::vector<VariablePtr>& vars) {
    for (const VariablePtr& v : vars)
      if (seen.insert(v.get()).second) out.push_back(v);
  };
  add(weights_);
  for (const LayerPtr& layer : layers()) add(layer->weights());
  return out;
}

std::vector<Tensor> Model::losses() const {
  std::vector<Tensor> out = activity_losses_;
  for (const LayerPtr& layer : layers()) {
    std::vector<Tensor> more = layer->losses();
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

void Model::set_trainable(bool trainable) {
  Layer::set_trainable(trainable);
  for (const LayerPtr& layer : layers()) layer->set_trainable(trainable);
  step_vars_valid_ = false;
}

void Model::reset_metrics() {
  loss_total_ = 0.0;
  loss_count_ = 0.0;
  for (const MetricPtr& m : metrics_) m->reset_state();
}

Logs Model::get_metrics_result() const {
  Logs logs;
  write_logs(logs);
  return logs;
}

void Model::write_logs(Logs& logs) const {
  // Keras's Mean: 0 before any update (divide_no_nan).
  logs["loss"] = loss_count_ > 0 ? loss_total_ / loss_count_ : 0.0;
  for (const MetricPtr& m : metrics_) logs[m->name()] = m->result();
}

DType Model::input_dtype() const {
  std::vector<LayerPtr> all = layers();
  return all.empty() ? dtype() : all.front()->dtype();
}

Logs Model::train_on_batch(const Tensor& x, const Tensor& y, const Tensor& sample_weight) {
  check_compiled(*this, "Model.train_on_batch");
  check_same_samples("Model.train_on_batch", x, y, sample_weight);
  step_vars_valid_ = false;  // trainability may have changed since the last call
  reset_metrics();           // Keras 3: each call reports its own batch
  run_step(x, y, sample_weight, /*training=*/true);
  return get_metrics_result();
}

Logs Model::test_on_batch(const Tensor& x, const Tensor& y, const Tensor& sample_weight) {
  check_compiled(*this, "Model.test_on_batch");
  check_same_samples("Model.test_on_batch", x, y, sample_weight);
  NoGrad no_grad;
  reset_metrics();
  run_step(x, y, sample_weight, /*training=*/false);
  return get_metrics_result();
}

Tensor Model::predict_on_batch(const Tensor& x) {
  if (!x.defined() || x.rank() == 0)
    throw ValueError(str("Model.predict_on_batch: x must have a batch dimension, got ",
                         x.defined() ? to_string(x.shape()) : std::string("an undefined tensor"),
                         "."));
  NoGrad no_grad;
  return (*this)(is_floating(x.dtype()) ? x : cast(x, input_dtype()), /*training=*/false);
}

}  // namespace mz
