// Model: a Layer that trains. compile() picks the optimizer, loss and metrics; fit() trains
// on tensors with Keras's options; evaluate(), predict() and the *_on_batch calls mirror
// Keras. Sequential is the linear stack; the functional graph (Model(inputs, outputs)) builds
// on the same class.
#pragma once

#include <initializer_list>
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
class Graph;
}
namespace dist {
class Communicator;
}
class DistributedOptimizer;

// One tensor or several, in order (a model's inputs or targets): fit(x, y) and
// fit({x1, x2}, {y1, y2}).
struct Tensors {
  Tensors() = default;
  Tensors(const Tensor& t) : list{t} {}  // NOLINT: implicit on purpose
  Tensors(std::initializer_list<Tensor> ts) : list(ts) {}
  Tensors(std::vector<Tensor> ts) : list(std::move(ts)) {}  // NOLINT
  std::vector<Tensor> list;
};

// Keras's compile(optimizer, loss, loss_weights, metrics, ...). A model with several outputs
// takes one loss for all (`loss`) or one per output (`losses`, in output order; a null entry
// leaves that output without a loss), and `metrics` for every output or `output_metrics` per
// output. Its logs then name the outputs: "loss", "<output>_loss", "<output>_<metric>".
struct CompileOptions {
  OptimizerSpec optimizer = "rmsprop";
  LossSpec loss;
  std::vector<LossSpec> losses;
  std::vector<double> loss_weights;  // per output; empty: all 1
  std::vector<MetricSpec> metrics;
  std::vector<std::vector<MetricSpec>> output_metrics;
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
  std::optional<std::pair<Tensors, Tensors>> validation_data;
  bool shuffle = true;
  // class index -> weight, multiplied into sample weights.
  std::map<int64_t, double> class_weight;
  Tensor sample_weight;  // (samples,)
  int initial_epoch = 0;
  // Batches per epoch; 0 means the whole data set.
  int64_t steps_per_epoch = 0;
  // Data-parallel training over these ranks (dist::init()); null: this process alone. Every
  // rank passes the same data; batch_size is the global batch (docs/distributed.md).
  std::shared_ptr<dist::Communicator> communicator;
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

// Where fit() stands in its data, for checkpoints (BackupAndRestore): the epoch, the batches
// of it done, the batches done in the current pass over the data, whether that pass is open,
// and the shuffle generator's state before the pass drew its permutation.
struct FitPosition {
  int epoch = 0;
  int64_t batch = 0;
  int64_t pass_batch = 0;
  bool pass_open = false;
  std::string pass_shuffle_state;
};

class Model : public Layer {
 public:
  // A subclassed model: derive, create layers in the constructor, override call() and layers().
  explicit Model(LayerCommon common = {}, std::string class_name = "Model");
  // A functional model (Keras's Model(inputs, outputs), class "Functional"): the graph of
  // layers between Input() tensors and outputs, checked and planned once. Throws ValueError
  // naming the layers for an output not connected to the inputs, an unused input, a cycle or
  // two layers of one name.
  Model(const KerasTensors& inputs, const KerasTensors& outputs, LayerCommon common = {});
  ~Model() override;

  void compile(CompileOptions options);
  // Trains for epochs - initial_epoch epochs; returns the History of epoch logs.
  History fit(const Tensors& x, const Tensors& y, FitOptions options = {});
  // Loss and metrics over (x, y): {"loss": ..., "accuracy": ...}.
  Logs evaluate(const Tensors& x, const Tensors& y, EvaluateOptions options = {});
  // The output in inference mode, batch by batch, concatenated (one-output models).
  Tensor predict(const Tensors& x, PredictOptions options = {});
  // Every output in inference mode, batch by batch, concatenated.
  std::vector<Tensor> predict_outputs(const Tensors& x, PredictOptions options = {});
  // One gradient step; returns the batch's logs (loss and metrics, metrics not reset).
  Logs train_on_batch(const Tensors& x, const Tensors& y, const Tensor& sample_weight = {});
  Logs test_on_batch(const Tensors& x, const Tensors& y, const Tensor& sample_weight = {});
  Tensor predict_on_batch(const Tensors& x);

  // Keras's summary(): layers, output shapes, parameter counts (trainable / non-trainable);
  // for a graph that is not a chain, a "Connected to" column.
  std::string summary(int line_length = 0) const;
  // Every layer of the model, in order (a functional model: InputLayers too, by depth).
  virtual std::vector<LayerPtr> layers() const;
  // The symbolic inputs and outputs (functional models; empty otherwise).
  std::vector<KerasTensor> inputs() const;
  std::vector<KerasTensor> outputs() const;
  // Keras's output_names: the names of the layers that make the outputs ({"output_1"} for a
  // model that is not functional).
  std::vector<std::string> output_names() const;
  // The graph of a functional model, or null.
  const detail::Graph* graph() const { return graph_.get(); }

  Tensor call(const Tensor& x, bool training) override;
  std::vector<Tensor> call_multi(const std::vector<Tensor>& xs, bool training) override;
  std::vector<Shape> compute_output_shapes(const std::vector<Shape>& input_shapes) override;
  Shape compute_output_shape(const Shape& input_shape) override;
  Json config() const override;
  std::vector<VariablePtr> weights() const override;
  std::vector<Tensor> losses() const override;
  // Freezes or unfreezes the model and every layer in it (Keras's model.trainable = ...).
  void set_trainable(bool trainable) override;

  // Keras's compile_config: {"optimizer": envelope, "loss", "loss_weights", "metrics",
  // "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile"}; null when the
  // model is not compiled (model_from_config.cpp).
  Json compile_config() const;
  // A Sequential or functional model from Keras's serialized form {"class_name":
  // "Sequential"|"Functional"|"Model", "config": {...}, "build_config": ...}, layers built;
  // compile_config is not applied. Throws ValueError naming the layer for an unknown class,
  // and the unresolved layers for a graph that cannot be rebuilt (model_from_config.cpp).
  static std::shared_ptr<Model> from_config(const Json& serialized);
  bool compiled() const { return compiled_; }
  const OptimizerPtr& optimizer() const { return optimizer_; }
  // The loss of the first output (of the only one, usually).
  const LossPtr& loss() const { return losses_.front(); }
  // The loss of each output (null: that output has none).
  const std::vector<LossPtr>& losses_by_output() const { return losses_; }
  const std::vector<MetricPtr>& metrics() const { return metrics_; }
  // Set by callbacks (EarlyStopping, TerminateOnNaN) to end fit after the current batch.
  bool stop_training = false;
  // Where fit() stands in its data (see FitPosition); updated before each on_train_batch_end
  // (that batch done) and on_epoch_end (epoch + 1, batch 0).
  FitPosition fit_position;
  // Set by a callback's on_train_begin to make fit() continue from a saved position (epoch,
  // batch and open pass, whose permutation it redraws); fit() clears it.
  std::optional<FitPosition> resume_from;
  // The callbacks of the fit() running now (null outside fit), so a checkpoint callback
  // (BackupAndRestore) can save and restore the others' state.
  const std::vector<CallbackPtr>* fit_callbacks = nullptr;
  // The generator for shuffling (seeded from the default generator when the model is made).
  Generator& shuffle_generator() { return shuffle_gen_; }
  // Resets the loss tracker and every compiled metric (Keras's reset_metrics()).
  void reset_metrics();
  // {"loss": mean batch loss since the last reset, "<metric>": result, ...}.
  Logs get_metrics_result() const;

 protected:
  OptimizerPtr optimizer_;
  bool compiled_ = false;
  std::vector<LossPtr> losses_;                    // per output
  std::vector<double> loss_weights_;               // per output
  std::vector<std::vector<MetricSpec>> metric_specs_;  // per output
  std::vector<MetricPtr> metrics_;  // resolved at the first batch, output by output
  std::vector<int> metric_output_;  // the output of each metric
  std::vector<std::string> metric_names_;  // their log names
  bool metrics_resolved_ = false;

 private:
  // The model's outputs for inputs xs (cast as input_dtypes() says).
  std::vector<Tensor> forward(const std::vector<Tensor>& xs, bool training);
  // One batch (training.cpp): forward, loss + losses(); when training, backward and an
  // optimizer step; then the loss trackers (weighted by batch size) and the metrics.
  void run_step(const std::vector<Tensor>& xs, const std::vector<Tensor>& ys,
                const Tensor& sample_weight, bool training);
  // Makes the compiled metrics from their specs, against the first batch.
  void resolve_metrics(const std::vector<Tensor>& ys, const std::vector<Tensor>& preds);
  // evaluate() on the given callback list (fit's validation reuses fit's list).
  Logs run_evaluate(const Tensors& x, const Tensors& y, const Tensor& sample_weight,
                    int64_t batch_size, detail::CallbackList& callbacks);
  // Writes get_metrics_result() into logs, reusing its entries (no allocation per batch).
  void write_logs(Logs& logs) const;
  // The dtype each integer input is cast to: its Input's dtype in a functional model, else
  // the first layer's.
  DType input_dtype(std::size_t input) const;
  // Throws ValueError naming `who` unless x and y match the model's inputs and outputs.
  void check_data(const char* who, const Tensors& x, const Tensors& y,
                  const Tensor& sample_weight) const;

  std::shared_ptr<const detail::Graph> graph_;
  Generator shuffle_gen_;
  double loss_total_ = 0.0, loss_count_ = 0.0;  // the loss tracker: sum(loss * n), sum(n)
  std::vector<double> output_loss_total_;       // per output, when there are several
  std::vector<VariablePtr> step_vars_;           // trainable weights run_step updates
  bool step_vars_valid_ = false;
  std::shared_ptr<DistributedOptimizer> distributed_;  // set while a distributed fit runs
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
