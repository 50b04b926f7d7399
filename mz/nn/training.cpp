// The loops of Model: fit (epochs of shuffled batches, validation, callbacks), evaluate and
// predict, and run_step, the one batch they all share. Keras 3's trainer is the model: same
// hooks in the same order, same validation split, same steps_per_epoch iteration.
#include <cmath>

#include "mz/core/grad_mode.h"
#include "mz/nn/data_parallel.h"
#include "mz/nn/callbacks/callback_list.h"
#include "mz/nn/distributed_optimizer.h"
#include "mz/nn/functional.h"
#include "mz/nn/model.h"
#include "mz/nn/model_utils.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"
#include "mz/ops/random.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz {
namespace {

using detail::check_batch_size;
using detail::check_compiled;
using detail::check_same_samples;

const Logs kNoLogs;

// The batches of one pass over (xs, ys, sample_weight): batch b holds rows
// [b * batch_size, min(n, (b + 1) * batch_size)) of the data, or of its permutation when
// `perm` is set. Unpermuted batches are views; permuted ones are gathered with take().
struct Batches {
  Batches(std::vector<Tensor> x_in, std::vector<Tensor> y_in, Tensor sw_in, int64_t batch)
      : x(std::move(x_in)),
        y(std::move(y_in)),
        sample_weight(std::move(sw_in)),
        n(x.at(0).size(0)),
        batch_size(batch) {}

  std::vector<Tensor> x, y;
  Tensor sample_weight, perm;
  int64_t n = 0, batch_size = 1;

  int64_t count() const { return (n + batch_size - 1) / batch_size; }
  int64_t begin(int64_t b) const { return b * batch_size; }
  int64_t end(int64_t b) const { return std::min(n, (b + 1) * batch_size); }

  static Tensor pick(const Tensor& t, const Tensor& index, int64_t start, int64_t stop) {
    if (!t.defined()) return t;
    return index.defined() ? take(t, index, 0) : t.slice(0, start, stop);
  }
  void get(int64_t b, std::vector<Tensor>& xb, std::vector<Tensor>& yb, Tensor& swb) const {
    int64_t start = begin(b), stop = end(b);
    Tensor index = perm.defined() ? perm.slice(0, start, stop) : Tensor();
    xb.resize(x.size());
    yb.resize(y.size());
    for (std::size_t i = 0; i < x.size(); ++i) xb[i] = pick(x[i], index, start, stop);
    for (std::size_t i = 0; i < y.size(); ++i) yb[i] = pick(y[i], index, start, stop);
    swb = pick(sample_weight, index, start, stop);
  }
};

// Rows [start, stop) of each tensor.
std::vector<Tensor> rows(const std::vector<Tensor>& ts, int64_t start, int64_t stop) {
  std::vector<Tensor> out;
  for (const Tensor& t : ts) out.push_back(t.slice(0, start, stop));
  return out;
}

// Keras 3's class_weight_to_sample_weights: labels (samples,) or (samples, 1) as class ids,
// (samples, classes) one-hot through argmax; ids are rounded; absent classes weigh 1.
Tensor class_weights_to_sample_weights(const Tensor& y, const std::map<int64_t, double>& weights) {
  if (y.rank() > 2)
    throw ValueError(
        str("Model.fit: class_weight needs labels of shape (samples,), (samples, 1) "
            "or (samples, classes), got y of shape ",
            y.shape(), "."));
  Tensor ids = y;
  if (y.rank() == 2) ids = y.size(1) == 1 ? y.reshape({y.size(0)}) : argmax(y, -1);
  std::vector<double> labels = ids.to_vector<double>();
  std::vector<double> out(labels.size(), 1.0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto it = weights.find(static_cast<int64_t>(std::nearbyint(labels[i])));
    if (it != weights.end()) out[i] = it->second;
  }
  return tensor(out, Shape{static_cast<int64_t>(out.size())});
}

}  // namespace

void Model::run_step(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                     const Tensor& sample_weight, bool training) {
  std::vector<Tensor> preds = forward(xs, training);
  if (preds.size() != ys.size())
    throw ValueError(str(who(), ": the model made ", preds.size(), " outputs, but y has ",
                         ys.size(), " arrays."));
  Tensor sw = sample_weight.defined() ? cast(sample_weight, preds[0].dtype()) : sample_weight;
  Tensor loss;
  std::vector<double> output_losses;
  for (std::size_t i = 0; i < preds.size(); ++i) {
    if (!losses_[i]) continue;
    Tensor li = (*losses_[i])(ys[i], preds[i], sw);
    if (li.numel() != 1) li = sum(li);  // reduction "none": Keras sums the batch
    if (!output_loss_total_.empty()) {
      NoGrad no_grad;
      output_losses.push_back(detail::scalar_value(li));
    }
    if (loss_weights_[i] != 1.0) li = li * loss_weights_[i];
    loss = loss.defined() ? loss + li : li;
  }
  for (const Tensor& extra : losses()) loss = loss + sum(extra);  // regularization
  if (training) {
    if (!step_vars_valid_) {  // after the forward pass, so a model built by it has weights
      step_vars_ = trainable_weights();
      step_vars_valid_ = true;
    }
    if (!step_vars_.empty() && loss.requires_grad()) {
      for (const VariablePtr& v : step_vars_) v->value.zero_grad();
      if (distributed_) distributed_->begin_backward(step_vars_);  // all-reduces start in it
      loss.backward();
      if (distributed_)  // averages the gradients over the ranks first
        distributed_->apply_gradients(step_vars_);
      else
        optimizer_->apply_gradients(step_vars_);
      for (const VariablePtr& v : step_vars_) v->value.zero_grad();  // frees them for reuse
    }
  }
  NoGrad no_grad;
  // Keras's loss trackers: means of batch losses weighted by the batch size.
  double batch = static_cast<double>(xs[0].size(0));
  loss_total_ += detail::scalar_value(loss) * batch;
  loss_count_ += batch;
  for (std::size_t i = 0, k = 0; i < output_loss_total_.size(); ++i)
    if (losses_[i]) output_loss_total_[i] += output_losses[k++] * batch;
  if (!metrics_resolved_) resolve_metrics(ys, preds);
  for (std::size_t m = 0; m < metrics_.size(); ++m) {
    auto o = static_cast<std::size_t>(metric_output_[m]);
    metrics_[m]->update_state(ys[o], preds[o], sw);
  }
}

void Model::resolve_metrics(const std::vector<Tensor>& ys, const std::vector<Tensor>& preds) {
  // Names resolve against the first batch ("accuracy" by the loss and the shapes); with several
  // outputs each log name starts with the output's name.
  metrics_resolved_ = true;
  std::vector<std::string> names = output_names();
  for (std::size_t o = 0; o < metric_specs_.size(); ++o)
    for (const MetricSpec& spec : metric_specs_[o]) {
      metrics_.push_back(spec.resolve(losses_[o].get(), ys[o].shape(), preds[o].shape()));
      metric_output_.push_back(static_cast<int>(o));
      metric_names_.push_back(metric_specs_.size() > 1 ? names[o] + "_" + metrics_.back()->name()
                                                      : metrics_.back()->name());
    }
}

History Model::fit(const Tensors& x_in, const Tensors& y_in, FitOptions o) {
  check_compiled(*this, "Model.fit");
  if (o.communicator && !distributed_) {  // data-parallel: the fit below, on every rank
    std::shared_ptr<dist::Communicator> comm = std::move(o.communicator);
    distributed_ = std::make_shared<DistributedOptimizer>(
        optimizer_, comm, DistributedOptimizerOptions::from_environment());
    try {
      History history = fit(x_in, y_in, std::move(o));
      distributed_.reset();
      return history;
    } catch (...) {
      distributed_.reset();
      dist::detail::fail(*comm, std::current_exception());  // ends the other ranks
      throw;
    }
  }
  dist::Communicator* comm = distributed_ ? distributed_->communicator().get() : nullptr;
  check_batch_size("Model.fit", o.batch_size);
  check_data("Model.fit", x_in, y_in, o.sample_weight);
  if (!o.class_weight.empty() && o.sample_weight.defined())
    throw ValueError(
        "Model.fit: class_weight and sample_weight cannot be given together (as in Keras 3): "
        "multiply the class weights into sample_weight instead.");
  if (!o.class_weight.empty() && y_in.list.size() != 1)
    throw ValueError(str("Model.fit: class_weight is only supported for models with one output "
                         "(as in Keras 3), this one has ",
                         y_in.list.size(), ": pass sample_weight instead."));
  if (!(o.validation_split >= 0.0 && o.validation_split < 1.0))
    throw ValueError(
        str("Model.fit: validation_split must be in [0, 1), got ", o.validation_split, "."));

  std::vector<Tensor> x = x_in.list, y = y_in.list;
  Tensor sw = o.sample_weight;
  std::vector<Tensor> val_x, val_y;
  Tensor val_sw;
  bool validate = false;
  if (o.validation_data) {  // takes precedence over validation_split
    check_data("Model.fit: validation_data", o.validation_data->first, o.validation_data->second,
               Tensor());
    val_x = o.validation_data->first.list;
    val_y = o.validation_data->second.list;
    validate = true;
  } else if (o.validation_split > 0.0) {
    // Keras: the last fraction, before any shuffling.
    int64_t n = x[0].size(0);
    auto split_at =
        static_cast<int64_t>(std::floor(static_cast<double>(n) * (1.0 - o.validation_split)));
    if (split_at == 0 || split_at == n)
      throw ValueError(str("Model.fit: ", n, " samples are too few for validation_split ",
                           o.validation_split, ": it leaves ", split_at, " for training and ",
                           n - split_at,
                           " for validation. Provide more data or another validation_split."));
    val_x = rows(x, split_at, n);
    val_y = rows(y, split_at, n);
    if (sw.defined()) val_sw = sw.slice(0, split_at, n);
    x = rows(x, 0, split_at);
    y = rows(y, 0, split_at);
    if (sw.defined()) sw = sw.slice(0, 0, split_at);
    validate = true;
  }
  if (!o.class_weight.empty()) {
    DType weight_dtype = is_floating(input_dtype(0)) ? input_dtype(0) : DType::f32;
    sw = cast(class_weights_to_sample_weights(y[0], o.class_weight), weight_dtype);
  }

  if (comm) {  // every rank holds the whole data set and trains on its shard of each batch
    dist::detail::check_fit_arguments(*comm, x[0].size(0), o);
    const int64_t kept = dist::detail::samples_kept(*comm, x[0].size(0), o.batch_size);
    x = rows(x, 0, kept);
    y = rows(y, 0, kept);
    if (sw.defined()) sw = sw.slice(0, 0, kept);
    o.callbacks = dist::detail::rank_callbacks(*comm, o.callbacks);
    if (comm->rank() != 0) o.verbose = 0;
  }
  Batches data(x, y, sw, o.batch_size);
  const int64_t num_batches = data.count();
  const int64_t steps = o.steps_per_epoch > 0 ? o.steps_per_epoch : num_batches;
  const int verbose = o.verbose < 0 ? 1 : o.verbose;
  detail::CallbackList callbacks(o.callbacks, /*add_history=*/true, /*add_progbar=*/verbose != 0,
                                 this, {.epochs = o.epochs, .steps = steps, .verbose = verbose});

  struct ClearFitCallbacks {  // fit_callbacks lives as long as this fit
    Model& model;
    ~ClearFitCallbacks() { model.fit_callbacks = nullptr; }
  } clear_fit_callbacks{*this};
  fit_callbacks = &callbacks.callbacks();
  stop_training = false;
  step_vars_valid_ = false;
  callbacks.on_train_begin(kNoLogs);
  if (comm) {  // after on_train_begin, so a restore on rank 0 reaches every rank
    dist::detail::check_same_model(*comm, *this);
    dist::detail::broadcast_fit_state(*comm, *this);
  }
  Logs training_logs, batch_logs;
  // A pass over the data lasts one epoch, or with steps_per_epoch continues into the next
  // epochs until it runs out (Keras's EpochIterator); a new pass draws a new permutation.
  int64_t seen = 0;
  bool new_pass = true;
  std::vector<Tensor> xb, yb;
  Tensor swb;
  int first_epoch = o.initial_epoch;
  int64_t first_step = 0;
  fit_position = {.epoch = first_epoch};
  if (resume_from) {  // a checkpoint callback restored a position (BackupAndRestore)
    fit_position = *resume_from;
    first_epoch = resume_from->epoch;
    first_step = resume_from->batch;
    if (resume_from->pass_open) {  // redraw the open pass's permutation, then skip its batches
      if (o.shuffle) {
        shuffle_gen_.set_state(resume_from->pass_shuffle_state);
        data.perm = permutation(data.n, shuffle_gen_);
      }
      seen = resume_from->pass_batch;
      new_pass = false;
    }
    resume_from.reset();
  }
  for (int epoch = first_epoch; epoch < o.epochs; ++epoch) {
    reset_metrics();
    callbacks.on_epoch_begin(epoch, kNoLogs);
    int64_t ran = 0;
    for (int64_t step = epoch == first_epoch ? first_step : 0; step < steps; ++step) {
      if (new_pass) {
        fit_position.pass_shuffle_state = o.shuffle ? shuffle_gen_.state() : std::string();
        data.perm = o.shuffle ? permutation(data.n, shuffle_gen_) : Tensor();
        seen = 0;
        new_pass = false;
      }
      if (seen >= num_batches) break;  // steps_per_epoch ran past the data
      if (comm) comm->set_step(str("epoch ", epoch + 1, ", step ", step + 1));  // for messages
      callbacks.on_train_batch_begin(step, kNoLogs);
      data.get(seen, xb, yb, swb);
      if (comm) dist::detail::take_shard(*distributed_, xb, yb, swb);
      run_step(xb, yb, swb, /*training=*/true);
      ++seen;
      ++ran;
      write_logs(batch_logs);
      if (comm) dist::detail::average_logs(*comm, batch_logs, loss_count_);
      fit_position.epoch = epoch;
      fit_position.batch = step + 1;
      fit_position.pass_batch = seen;
      fit_position.pass_open = true;
      callbacks.on_train_batch_end(step, batch_logs);
      if (comm) stop_training = dist::detail::agree_stop(*comm, stop_training);
      if (stop_training) break;
    }
    if (o.steps_per_epoch <= 0 || seen >= num_batches) new_pass = true;
    fit_position.epoch = epoch + 1;
    fit_position.batch = 0;
    fit_position.pass_batch = new_pass ? 0 : seen;
    fit_position.pass_open = !new_pass;
    xb.clear();
    yb.clear();
    swb = Tensor();

    // Keras: the metric results, unless no batch ran (then the empty logs of no step).
    Logs epoch_logs = ran > 0 ? get_metrics_result() : Logs();
    if (comm && ran > 0) dist::detail::average_logs(*comm, epoch_logs, loss_count_);
    if (validate) {
      Logs val_logs = run_evaluate(val_x, val_y, val_sw, o.batch_size, callbacks);
      for (const auto& [key, value] : val_logs) epoch_logs["val_" + key] = value;
    }
    callbacks.on_epoch_end(epoch, epoch_logs);
    training_logs = std::move(epoch_logs);
    if (comm) stop_training = dist::detail::agree_stop(*comm, stop_training);
    if (stop_training) break;
  }
  callbacks.on_train_end(training_logs);
  return *callbacks.history();
}

Logs Model::run_evaluate(const Tensors& x, const Tensors& y, const Tensor& sample_weight,
                         int64_t batch_size, detail::CallbackList& callbacks) {
  Batches data(x.list, y.list, sample_weight, batch_size);
  callbacks.on_test_begin(kNoLogs);
  reset_metrics();
  Logs logs;
  std::vector<Tensor> xb, yb;
  Tensor swb;
  {
    NoGrad no_grad;
    for (int64_t b = 0; b < data.count(); ++b) {
      callbacks.on_test_batch_begin(b, kNoLogs);
      data.get(b, xb, yb, swb);
      run_step(xb, yb, swb, /*training=*/false);
      write_logs(logs);
      callbacks.on_test_batch_end(b, logs);
    }
  }
  callbacks.on_test_end(logs);
  return logs;
}

Logs Model::evaluate(const Tensors& x, const Tensors& y, EvaluateOptions o) {
  check_compiled(*this, "Model.evaluate");
  check_batch_size("Model.evaluate", o.batch_size);
  check_data("Model.evaluate", x, y, o.sample_weight);
  const int verbose = o.verbose < 0 ? 1 : o.verbose;
  const int64_t steps = (x.list[0].size(0) + o.batch_size - 1) / o.batch_size;
  detail::CallbackList callbacks(o.callbacks, /*add_history=*/false,
                                 /*add_progbar=*/verbose != 0, this,
                                 {.epochs = 1, .steps = steps, .verbose = verbose});
  return run_evaluate(x, y, o.sample_weight, o.batch_size, callbacks);
}

Tensor Model::predict(const Tensors& x, PredictOptions o) {
  std::vector<Tensor> outs = predict_outputs(x, std::move(o));
  if (outs.size() != 1)
    throw ValueError(str("Model.predict: the model has ", outs.size(),
                         " outputs; use predict_outputs() to get them all."));
  return outs[0];
}

std::vector<Tensor> Model::predict_outputs(const Tensors& x, PredictOptions o) {
  check_batch_size("Model.predict", o.batch_size);
  const std::size_t n_in = graph_ ? graph_->inputs().size() : 1;
  if (x.list.size() != n_in)
    throw ValueError(str("Model.predict: the model has ", n_in, " input", n_in == 1 ? "" : "s",
                         ", got ", x.list.size(), " arrays for x."));
  for (const Tensor& xi : x.list) {
    if (!xi.defined() || xi.rank() == 0)
      throw ValueError(str("Model.predict: x must have a batch dimension, got ",
                           xi.defined() ? to_string(xi.shape()) : std::string("an undefined tensor"),
                           "."));
    if (xi.size(0) != x.list[0].size(0))
      throw ValueError(str("Model.predict: the inputs differ in samples: ", x.list[0].size(0),
                           " and ", xi.size(0), "."));
  }
  if (x.list[0].size(0) == 0) throw ValueError("Model.predict: x has no samples.");
  Batches data(x.list, {}, Tensor(), o.batch_size);
  const int verbose = o.verbose < 0 ? 1 : o.verbose;
  const int64_t steps = data.count();
  detail::CallbackList callbacks(o.callbacks, /*add_history=*/false,
                                 /*add_progbar=*/verbose != 0, this,
                                 {.epochs = 1, .steps = steps, .verbose = verbose});
  NoGrad no_grad;
  callbacks.on_predict_begin(kNoLogs);
  std::vector<Tensor> outs, xb, yb;
  Tensor swb;
  for (int64_t b = 0; b < steps; ++b) {
    callbacks.on_predict_batch_begin(b, kNoLogs);
    data.get(b, xb, yb, swb);
    std::vector<Tensor> preds = forward(xb, /*training=*/false);
    const int64_t rows_in_batch = data.end(b) - data.begin(b);
    for (std::size_t k = 0; k < preds.size(); ++k) {
      const Tensor& y_pred = preds[k];
      if (y_pred.rank() == 0 || y_pred.size(0) != rows_in_batch)
        throw ValueError(str("Model.predict: the model's outputs must have one row per sample: ",
                             "batch ", b, " has ", rows_in_batch, " samples, output ", k,
                             " has shape ", y_pred.shape(), "."));
      if (steps == 1) {
        outs.push_back(y_pred);
        continue;
      }
      if (outs.size() <= k) {  // one output buffer; each batch is copied into its rows
        Shape shape = y_pred.shape();
        shape[0] = data.n;
        outs.push_back(empty(shape, {.dtype = y_pred.dtype(), .device = y_pred.device()}));
      }
      outs[k].slice(0, data.begin(b), data.end(b)).copy_(y_pred);
    }
    callbacks.on_predict_batch_end(b, kNoLogs);
  }
  callbacks.on_predict_end(kNoLogs);
  return outs;
}

}  // namespace mz
