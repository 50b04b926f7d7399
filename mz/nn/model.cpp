// Model: compile, weights and losses of the layers, the metric trackers and the single-batch
// calls (train_on_batch, test_on_batch, predict_on_batch). The loops (fit, evaluate, predict)
// are in training.cpp, summary() in summary.cpp.
#include "mz/nn/model.h"

#include <algorithm>
#include <unordered_set>

#include "mz/core/grad_mode.h"
#include "mz/nn/functional.h"
#include "mz/nn/layers/input_layer.h"
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

// Keras's shape text: "(None, 784)".
std::string keras_shape(const Shape& shape) {
  std::string out = "(";
  for (int i = 0; i < shape.rank(); ++i)
    out += str(i ? ", " : "", shape[i] < 0 ? std::string("None") : std::to_string(shape[i]));
  return out + (shape.rank() == 1 ? ",)" : ")");
}

// A shape as a JSON list, null for an unknown dimension: [null, 784].
Json shape_json(const Shape& shape) {
  Json out = Json::array();
  for (int64_t d : shape) out.push_back(d < 0 ? Json(nullptr) : Json(d));
  return out;
}

// Keras's serialize_keras_object for a layer: {"module", "class_name", "config",
// "registered_name", "build_config"} (build_config only for layers built from a shape).
Json serialize_layer(const Layer& layer) {
  Json out = {{"module", dynamic_cast<const Model*>(&layer) ? "keras" : "keras.layers"},
              {"class_name", layer.class_name()},
              {"config", layer.config()},
              {"registered_name", nullptr}};
  const std::vector<Shape>& shapes = layer.build_shapes();
  if (layer.built() && !shapes.empty() && !dynamic_cast<const layers::InputLayer*>(&layer)) {
    Json input_shape = Json::array();
    if (shapes.size() == 1) {
      input_shape = shape_json(shapes[0]);
    } else {
      for (const Shape& s : shapes) input_shape.push_back(shape_json(s));
    }
    out["build_config"] = {{"input_shape", input_shape}};
  }
  return out;
}

}  // namespace detail

using detail::check_compiled;
using detail::check_same_samples;

Model::Model(LayerCommon common, std::string class_name)
    : Layer(std::move(class_name), std::move(common)),
      shuffle_gen_(default_generator().next_u64()) {}

Model::Model(const KerasTensors& inputs, const KerasTensors& outputs, LayerCommon common)
    : Layer("Functional", std::move(common)), shuffle_gen_(default_generator().next_u64()) {
  graph_ = std::make_shared<const detail::Graph>(inputs, outputs, who());
  std::vector<Shape> shapes;
  for (const KerasTensor& x : inputs.list) {
    Shape s = x.shape();
    if (s.rank() > 0) s[0] = -1;
    shapes.push_back(s);
  }
  mark_built(shapes);
}

Model::~Model() = default;

void Model::compile(CompileOptions options) {
  if (!options.optimizer.get())
    throw ValueError(
        "Model.compile: an optimizer is required: pass .optimizer = a name (\"adam\", "
        "\"sgd\", ...) or an Optimizer object.");
  const std::size_t n = graph_ ? graph_->outputs().size() : 1;
  std::vector<LossPtr> losses;
  if (!options.losses.empty()) {
    if (options.losses.size() != n)
      throw ValueError(str("Model.compile: losses has ", options.losses.size(),
                           " entries, expected one per output (", n, ")."));
    for (const LossSpec& l : options.losses) losses.push_back(l.get());
  } else {
    losses.assign(n, options.loss.get());
  }
  bool any = false;
  for (const LossPtr& l : losses) any = any || l != nullptr;
  if (!any)
    throw ValueError(
        "Model.compile: a loss is required: pass .loss = a name (\"mse\", "
        "\"sparse_categorical_crossentropy\", ...), a Loss object or a callable.");
  if (!options.loss_weights.empty() && options.loss_weights.size() != n)
    throw ValueError(str("Model.compile: loss_weights has ", options.loss_weights.size(),
                         " entries, expected one per output (", n, ")."));
  if (!options.output_metrics.empty() && options.output_metrics.size() != n)
    throw ValueError(str("Model.compile: output_metrics has ", options.output_metrics.size(),
                         " entries, expected one list per output (", n, ")."));
  optimizer_ = options.optimizer.get();
  losses_ = std::move(losses);
  loss_weights_ = options.loss_weights.empty() ? std::vector<double>(n, 1.0)
                                               : std::move(options.loss_weights);
  metric_specs_ = options.output_metrics.empty()
                      ? std::vector<std::vector<MetricSpec>>(n, options.metrics)
                      : std::move(options.output_metrics);
  metrics_.clear();  // resolved again at the first batch
  metric_output_.clear();
  metric_names_.clear();
  metrics_resolved_ = false;
  output_loss_total_.assign(n > 1 ? n : 0, 0.0);
  compiled_ = true;
  step_vars_valid_ = false;
  reset_metrics();
}

std::vector<LayerPtr> Model::layers() const {
  return graph_ ? graph_->layers() : std::vector<LayerPtr>{};
}

std::vector<KerasTensor> Model::inputs() const {
  return graph_ ? graph_->inputs() : std::vector<KerasTensor>{};
}

std::vector<KerasTensor> Model::outputs() const {
  return graph_ ? graph_->outputs() : std::vector<KerasTensor>{};
}

std::vector<std::string> Model::output_names() const {
  if (!graph_) return {"output_1"};
  std::vector<std::string> names;
  for (const KerasTensor& t : graph_->outputs()) names.push_back(t.layer()->name());
  return names;
}

Tensor Model::call(const Tensor& x, bool training) {
  if (!graph_)
    throw ValueError(str(who(),
                         ": a subclassed model must override call(); this one was made without "
                         "inputs and outputs."));
  std::vector<Tensor> ys = graph_->run({x}, training);
  if (ys.size() != 1)
    throw ValueError(str(who(), ": the model has ", ys.size(),
                         " outputs; call it on a list ({x}) to get them all."));
  return ys[0];
}

std::vector<Tensor> Model::call_multi(const std::vector<Tensor>& xs, bool training) {
  return graph_ ? graph_->run(xs, training) : Layer::call_multi(xs, training);
}

std::vector<Shape> Model::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  if (!graph_) return Layer::compute_output_shapes(input_shapes);
  const int64_t batch = input_shapes.empty() || input_shapes[0].rank() == 0 ? -1
                                                                            : input_shapes[0][0];
  std::vector<Shape> out;
  for (const KerasTensor& t : graph_->outputs()) {
    Shape s = t.shape();
    if (s.rank() > 0) s[0] = batch;
    out.push_back(s);
  }
  return out;
}

Shape Model::compute_output_shape(const Shape& input_shape) {
  if (!graph_) return Layer::compute_output_shape(input_shape);
  std::vector<Shape> out = compute_output_shapes({input_shape});
  if (out.size() != 1)
    throw ValueError(str(who(), ": compute_output_shape: the model has ", out.size(),
                         " outputs; use compute_output_shapes."));
  return out[0];
}

Json Model::config() const {
  Json c = Layer::config();
  if (!graph_) return c;
  Json g = graph_->config();
  c.erase("dtype");  // Keras's Functional config holds name, trainable and the graph
  for (auto& [key, value] : g.items()) c[key] = value;
  return c;
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
  std::fill(output_loss_total_.begin(), output_loss_total_.end(), 0.0);
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
  if (!output_loss_total_.empty()) {
    std::vector<std::string> names = output_names();
    for (std::size_t i = 0; i < output_loss_total_.size(); ++i)
      if (losses_[i])
        logs[names[i] + "_loss"] = loss_count_ > 0 ? output_loss_total_[i] / loss_count_ : 0.0;
  }
  for (std::size_t i = 0; i < metrics_.size(); ++i) logs[metric_names_[i]] = metrics_[i]->result();
}

DType Model::input_dtype(std::size_t input) const {
  if (graph_) return graph_->inputs().at(input).dtype();
  std::vector<LayerPtr> all = layers();
  return all.empty() ? dtype() : all.front()->dtype();
}

void Model::check_data(const char* who, const Tensors& x, const Tensors& y,
                       const Tensor& sample_weight) const {
  const std::size_t n_in = graph_ ? graph_->inputs().size() : 1;
  const std::size_t n_out = graph_ ? graph_->outputs().size() : 1;
  if (x.list.size() != n_in)
    throw ValueError(str(who, ": the model has ", n_in, " input", n_in == 1 ? "" : "s",
                         ", got ", x.list.size(), " arrays for x."));
  if (y.list.size() != n_out)
    throw ValueError(str(who, ": the model has ", n_out, " output", n_out == 1 ? "" : "s",
                         ", got ", y.list.size(), " arrays for y."));
  for (const Tensor& xi : x.list)
    for (const Tensor& yi : y.list) detail::check_same_samples(who, xi, yi, sample_weight);
}

Logs Model::train_on_batch(const Tensors& x, const Tensors& y, const Tensor& sample_weight) {
  check_compiled(*this, "Model.train_on_batch");
  check_data("Model.train_on_batch", x, y, sample_weight);
  step_vars_valid_ = false;  // trainability may have changed since the last call
  reset_metrics();           // Keras 3: each call reports its own batch
  run_step(x.list, y.list, sample_weight, /*training=*/true);
  return get_metrics_result();
}

Logs Model::test_on_batch(const Tensors& x, const Tensors& y, const Tensor& sample_weight) {
  check_compiled(*this, "Model.test_on_batch");
  check_data("Model.test_on_batch", x, y, sample_weight);
  NoGrad no_grad;
  reset_metrics();
  run_step(x.list, y.list, sample_weight, /*training=*/false);
  return get_metrics_result();
}

Tensor Model::predict_on_batch(const Tensors& x) {
  for (const Tensor& xi : x.list)
    if (!xi.defined() || xi.rank() == 0)
      throw ValueError(str("Model.predict_on_batch: x must have a batch dimension, got ",
                           xi.defined() ? to_string(xi.shape()) : std::string("an undefined tensor"),
                           "."));
  NoGrad no_grad;
  std::vector<Tensor> ys = forward(x.list, /*training=*/false);
  if (ys.size() != 1)
    throw ValueError(str("Model.predict_on_batch: the model has ", ys.size(),
                         " outputs; use predict_outputs()."));
  return ys[0];
}

std::vector<Tensor> Model::forward(const std::vector<Tensor>& xs, bool training) {
  // Integer inputs (uint8 images) stay compact in memory and are cast batch by batch.
  std::vector<Tensor> ins;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    DType want = input_dtype(i);
    bool cast_it = !is_floating(xs[i].dtype()) && is_floating(want);
    ins.push_back(cast_it ? cast(xs[i], want) : xs[i]);
  }
  if (ins.size() == 1 && !graph_) return {(*this)(ins[0], training)};
  return (*this)(ins, training);
}

}  // namespace mz
