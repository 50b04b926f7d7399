// Model: a Layer that trains. compile() picks the optimizer, loss and metrics; fit() trains
// on tensors with Keras's options; evaluate(), predict() and the *_on_batch calls mirror
// Keras. Sequential is the linear stack; the functional graph (Model(inputs, outputs)) builds
// on the same class.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mz/core/generator.h"
#include "mz/nn/callbacks/callback.h"
#include "mz/nn/layer.h"
#include "mz/nn/losses/loss.h"
#include "mz/nn/metrics/metric.h"
#include "mz/nn/optimizers/optimizer.h"

namespace mz {

namespace detail {
class CallbackList;
}

// Keras's compile(optimizer, loss, loss_weights, metrics, ...): only these are needed here.
struct CompileOptions {
  OptimizerSpec optimizer = "rmsprop";
  LossSpec loss;
  std::vector<MetricSpec> metrics;
};

// Keras's fit(x, y, batch_size, epochs, verbose, callbacks, validation_split,
// validation_data, shuffle, class_weight, sample_weight, initial_epoch, steps_per_epoch).
struct FitOptions {
  int64_t batch_size = 32;
  int epochs = 1;
  // 0 silent, 1 progress bar, 2 one line per epoch; -1 ("auto") is 1.
  int verbose = -1;
  std::vector<CallbackSpec> callbacks;
  // The last fraction of x, y (before shuffling) is held out for validation.
  double validation_split = 0.0;
  // (x_val, y_val); takes precedence over validation_split.
  std::optional<std::pair<Tensor, Tensor>> validation_data;
  bool shuffle = true;
  // class index -> weight, multiplied into sample weights.
  std::map<int64_t, double> class_weight;
  Tensor sample_weight;  // (samples,)
  int initial_epoch = 0;
  // Batches per epoch; 0 means the whole data set.
  int64_t steps_per_epoch = 0;
};

struct EvaluateOptions {
  int64_t batch_size = 32;
  int verbose = -1;
  Tensor sample_weight;
  std::vector<CallbackSpec> callbacks;
};

struct PredictOptions {
  int64_t batch_size = 32;
  int verbose = 0;
  std::vector<CallbackSpec> callbacks;
};

class Model : public Layer {
 public:
  explicit Model(LayerCommon common = {}, std::string class_name = "Model");

  void compile(CompileOptions options);
  // Trains for epochs - initial_epoch epochs; returns the History of epoch logs.
  History fit(const Tensor& x, const Tensor& y, FitOptions options = {});
  // Loss and metrics over (x, y): {"loss": ..., "accuracy": ...}.
  Logs evaluate(const Tensor& x, const Tensor& y, EvaluateOptions options = {});
  // The outputs in inference mode, batch by batch, concatenated.
  Tensor predict(const Tensor& x, PredictOptions options = {});
  // One gradient step; returns the batch's logs (loss and metrics, metrics not reset).
  Logs train_on_batch(const Tensor& x, const Tensor& y, const Tensor& sample_weight = {});
  Logs test_on_batch(const Tensor& x, const Tensor& y, const Tensor& sample_weight = {});
  Tensor predict_on_batch(const Tensor& x);

  // Keras's summary(): layers, output shapes, parameter counts (trainable / non-trainable).
  std::string summary(int line_length = 0) const;
  // Every layer of the model, in order.
  virtual std::vector<LayerPtr> layers() const = 0;
  std::vector<VariablePtr> weights() const override;
  std::vector<Tensor> losses() const override;
  // Freezes or unfreezes the model and every layer in it (Keras's model.trainable = ...).
  void set_trainable(bool trainable) override;

  bool compiled() const { return loss_ != nullptr; }
  const OptimizerPtr& optimizer() const { return optimizer_; }
  const LossPtr& loss() const { return loss_; }
  const std::vector<MetricPtr>& metrics() const { return metrics_; }
  // Set by callbacks (EarlyStopping, TerminateOnNaN) to end fit after the current batch.
  bool stop_training = false;
  // The generator for shuffling (seeded from the default generator when the model is made).
  Generator& shuffle_generator() { return shuffle_gen_; }
  // Resets the loss tracker and every compiled metric (Keras's reset_metrics()).
  void reset_metrics();
  // {"loss": mean batch loss since the last reset, "<metric>": result, ...}.
  Logs get_metrics_result() const;

 protected:
  OptimizerPtr optimizer_;
  LossPtr loss_;
  std::vector<MetricSpec> metric_specs_;
  std::vector<MetricPtr> metrics_;  // resolved at the first batch

 private:
  // One batch (training.cpp): forward, loss + losses(); when training, backward and an
  // optimizer step; then the loss tracker (weighted by batch size) and the metrics.
  void run_step(const Tensor& x, const Tensor& y, const Tensor& sample_weight, bool training);
  // evaluate() on the given callback list (fit's validation reuses fit's list).
  Logs run_evaluate(const Tensor& x, const Tensor& y, const Tensor& sample_weight,
                    int64_t batch_size, detail::CallbackList& callbacks);
  // Writes get_metrics_result() into logs, reusing its entries (no allocation per batch).
  void write_logs(Logs& logs) const;
  // The dtype integer inputs are cast to: the first layer's dtype.
  DType input_dtype() const;

  Generator shuffle_gen_;
  double loss_total_ = 0.0, loss_count_ = 0.0;  // the loss tracker: sum(loss * n), sum(n)
  std::vector<VariablePtr> step_vars_;           // trainable weights run_step updates
  bool step_vars_valid_ = false;
};

// A linear stack of layers: Sequential({Input({784}), L::Dense(10)}).
class Sequential : public Model {
 public:
  Sequential(std::vector<LayerPtr> layers = {}, LayerCommon common = {});
  // Appends a layer (building it at once when the input shape is known).
  void add(LayerPtr layer);
  // Removes the last layer.
  void pop();
  std::vector<LayerPtr> layers() const override { return layers_; }
  void build(const Shape& input_shape) override;
  Tensor call(const Tensor& x, bool training) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Json config() const override;

 private:
  // Runs build() again when the input shape is known (after add/pop).
  void maybe_rebuild();

  std::vector<LayerPtr> layers_;         // Keras's model.layers: without the InputLayer
  std::shared_ptr<Layer> input_layer_;  // the InputLayer (given, or made by build())
};

}  // namespace mz
