// RNN: input checks, initial and carried states, the choice between a cell's fused sequence
// path and the generic step loop (masked as Keras's backend.rnn), masks out, shapes, config.
#include "mz/nn/layers/rnn.h"

#include "mz/nn/layers/wrapper.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"
#include "mz/ops/shape.h"

namespace mz {
namespace layers {
namespace {

LayerCommon common_of(const std::shared_ptr<RNNCell>& cell, const RNNOptions& o) {
  if (!cell) throw ValueError("RNN: expected a cell, got a null pointer.");
  return {.name = o.name, .trainable = o.trainable, .dtype = o.dtype.value_or(cell->dtype())};
}

// Forgets a cell's dropout masks when a call ends, however it ends.
struct DropoutMaskScope {
  RNNCell& cell;
  explicit DropoutMaskScope(RNNCell& c) : cell(c) { cell.reset_dropout_masks(); }
  ~DropoutMaskScope() { cell.reset_dropout_masks(); }
};

// 1 where mask is nonzero, as uint8.
Tensor as_u8_mask(const Tensor& mask) {
  if (mask.dtype() == DType::u8) return mask.detach();
  return ne(mask.detach(), zeros({}, {.dtype = mask.dtype(), .device = mask.device()}));
}

}  // namespace

RNN::RNN(std::shared_ptr<RNNCell> cell, RNNOptions options)
    : RNN("RNN", std::move(cell), std::move(options)) {}

RNN::RNN(std::string class_name, std::shared_ptr<RNNCell> cell, RNNOptions options)
    : Layer(std::move(class_name), common_of(cell, options)),
      cell_(std::move(cell)),
      return_sequences_(options.return_sequences),
      return_state_(options.return_state),
      go_backwards_(options.go_backwards),
      stateful_(options.stateful),
      unroll_(options.unroll),
      zero_output_for_mask_(options.zero_output_for_mask) {
  supports_masking_ = true;
  if (!options.trainable) cell_->set_trainable(false);
}

std::vector<VariablePtr> RNN::weights() const { return cell_->weights(); }

void RNN::set_trainable(bool trainable) {
  Layer::set_trainable(trainable);
  cell_->set_trainable(trainable);
}

void RNN::build_multi(const std::vector<Shape>& input_shapes) {
  if (input_shapes.empty())
    throw ValueError(str(who(), ": build needs the input shape, got none."));
  const Shape& s = input_shapes[0];
  if (s.rank() != 3)
    throw ShapeError(str(who(),
                         ": input must have rank 3: expected (batch, timesteps, features), got "
                         "rank ",
                         s.rank(), "."));
  if (!cell_->built()) {
    cell_->maybe_build({Shape{-1, s[2]}});
    for (const VariablePtr& v : cell_->weights())
      v->path = str(name(), "/", cell_->name(), "/", v->name);
  }
  mark_built(input_shapes);
}

Tensor RNN::call(const Tensor& x, bool training) { return run({x}, Tensor(), training).at(0); }

std::vector<Tensor> RNN::call_multi(const std::vector<Tensor>& xs, bool training) {
  return run(xs, Tensor(), training);
}

std::vector<Tensor> RNN::call_masked(const std::vector<Tensor>& xs,
                                     const std::vector<Tensor>& masks, bool training) {
  return run(xs, masks.empty() ? Tensor() : masks[0], training);
}

std::vector<Tensor> RNN::run(const std::vector<Tensor>& xs, const Tensor& mask_in, bool training) {
  Tensor x = xs.at(0);
  if (x.rank() != 3)
    throw ShapeError(str(who(),
                         ": input must have rank 3: expected (batch, timesteps, features), got "
                         "rank ",
                         x.rank(), "."));
  const int64_t batch = x.shape()[0], steps = x.shape()[1];
  const int64_t features = build_shapes().at(0)[2];
  if (x.shape()[2] != features)
    throw ShapeError(str(who(), ": input is ", x.shape(), ", but the layer was built for ",
                         features, " features: expected (batch, timesteps, ", features, ")."));
  if (steps < 1)
    throw ValueError(
        str(who(), ": the input has no timesteps: expected at least 1, got ", x.shape(), "."));
  if (is_floating(x.dtype()) && x.dtype() != dtype()) x = cast(x, dtype());
  const std::vector<int64_t> sizes = cell_->state_size();
  std::vector<Tensor> states;
  if (xs.size() > 1) {
    if (xs.size() - 1 != sizes.size())
      throw ValueError(str(who(), ": expected ", sizes.size(), " initial state",
                           sizes.size() == 1 ? "" : "s", ", got ", xs.size() - 1, "."));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      Tensor s = xs[i + 1];
      const Shape expected{batch, sizes[i]};
      if (!(s.shape() == expected))
        throw ShapeError(str(who(), ": initial state ", i, " is ", s.shape(), ", expected ",
                             expected, " (batch, state_size[", i, "])."));
      states.push_back(is_floating(s.dtype()) && s.dtype() != dtype() ? cast(s, dtype()) : s);
    }
  } else if (stateful_ && !states_.empty()) {
    if (states_[0].shape()[0] != batch)
      throw ValueError(str(who(), ": stateful: the batch has ", batch,
                           " samples, but the carried states are for ", states_[0].shape()[0],
                           "; keep the batch size fixed, or call reset_states() first."));
    states = states_;
  } else {
    states = cell_->get_initial_state(batch, x.device());
  }
  Tensor mask;
  if (mask_in.defined()) {
    if (!(mask_in.shape() == Shape{batch, steps}))
      throw ShapeError(str(who(), ": mask is ", mask_in.shape(),
                           ", expected (batch, timesteps) = ", Shape{batch, steps}, "."));
    mask = as_u8_mask(mask_in);
  }
  SequenceCall call{.sequences = x,
                    .states = states,
                    .mask = mask,
                    .go_backwards = go_backwards_,
                    .zero_output_for_mask = zero_output_for_mask_,
                    .return_sequences = return_sequences_,
                    .training = training};
  std::optional<SequenceResult> result;
  {
    DropoutMaskScope scope(*cell_);
    result = cell_->call_sequence(call);
    if (!result) result = run_steps(call);
  }
  if (stateful_) {
    states_.clear();
    for (const Tensor& s : result->states) states_.push_back(s.detach());
  }
  std::vector<Tensor> ys{return_sequences_ ? result->outputs : result->last_output};
  if (return_state_)
    for (const Tensor& s : result->states) ys.push_back(s);
  return ys;
}

SequenceResult RNN::run_steps(const SequenceCall& call) {
  const Tensor& x = call.sequences;
  const int64_t steps = x.shape()[1];
  const std::size_t n_states = cell_->state_size().size();
  std::vector<Tensor> states = call.states;
  std::vector<Tensor> outputs;
  Tensor previous;
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = call.go_backwards ? steps - 1 - s : s;
    CellStep step = cell_->call(x.slice(1, t, t + 1).squeeze(1), states, call.training);
    if (step.states.size() != n_states)
      throw ValueError(str(who(), ": the cell ", cell_->who(), " returned ", step.states.size(),
                           " states, but its state_size has ", n_states, "."));
    Tensor out = step.output;
    if (call.mask.defined()) {  // Keras's backend.rnn: masked steps keep states and output
      const Tensor m = call.mask.slice(1, t, t + 1);
      if (!previous.defined() || call.zero_output_for_mask) previous = zeros_like(out);
      out = where(m, out, previous);
      for (std::size_t i = 0; i < n_states; ++i)
        step.states[i] = where(m, step.states[i], states[i]);
    }
    states = std::move(step.states);
    previous = out;
    if (call.return_sequences) outputs.push_back(out);
  }
  SequenceResult r;
  r.last_output = previous;
  if (call.return_sequences) r.outputs = stack(outputs, 1);
  r.states = std::move(states);
  return r;
}

std::vector<Tensor> RNN::compute_mask(const std::vector<Tensor>& /*xs*/,
                                      const std::vector<Tensor>& masks) {
  std::vector<Tensor> out{return_sequences_ && !masks.empty() ? masks[0] : Tensor()};
  if (return_state_) out.resize(1 + cell_->state_size().size());
  return out;
}

Shape RNN::compute_output_shape(const Shape& input_shape) {
  if (input_shape.rank() != 3)
    throw ShapeError(str(who(),
                         ": input must have rank 3: expected (batch, timesteps, features), got "
                         "rank ",
                         input_shape.rank(), "."));
  const int64_t units = cell_->output_size();
  if (return_sequences_) return {input_shape[0], input_shape[1], units};
  return {input_shape[0], units};
}

std::vector<Shape> RNN::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  if (input_shapes.empty())
    throw ValueError(str(who(), ": compute_output_shapes needs the input shape, got none."));
  std::vector<Shape> out{compute_output_shape(input_shapes[0])};
  if (return_state_)
    for (int64_t size : cell_->state_size()) out.push_back({input_shapes[0][0], size});
  return out;
}

Json RNN::rnn_config() const {
  Json c = Layer::config();
  c["return_sequences"] = return_sequences_;
  c["return_state"] = return_state_;
  c["go_backwards"] = go_backwards_;
  c["stateful"] = stateful_;
  c["unroll"] = unroll_;
  c["zero_output_for_mask"] = zero_output_for_mask_;
  return c;
}

Json RNN::config() const {
  Json c = rnn_config();
  c["cell"] = detail::serialize_layer(*cell_);
  return c;
}

Json RNN::merged_cell_config() const {
  Json c = rnn_config();
  const Json cell = cell_->config();
  for (const auto& [key, value] : cell.items())
    if (key != "name" && key != "trainable" && key != "dtype") c[key] = value;
  c["activity_regularizer"] = regularizer_to_config(activity_regularizer_);
  return c;
}

RNNOptions RNN::options_from_config(const Json& config, const std::string& who) {
  LayerCommon common = layer_common_from_config(config, who);
  RNNOptions o;
  o.return_sequences = config_get(config, "return_sequences", false, who);
  o.return_state = config_get(config, "return_state", false, who);
  o.go_backwards = config_get(config, "go_backwards", false, who);
  o.stateful = config_get(config, "stateful", false, who);
  o.unroll = config_get(config, "unroll", false, who);
  o.zero_output_for_mask = config_get(config, "zero_output_for_mask", false, who);
  o.name = common.name;
  o.trainable = common.trainable;
  if (config.is_object() && config.contains("dtype") && !config["dtype"].is_null())
    o.dtype = common.dtype;
  return o;
}

std::shared_ptr<RNN> RNN::from_config(const Json& config) {
  const std::string who = "RNN.from_config";
  LayerPtr cell_layer = detail::wrapped_layer_from_config(config, "cell", who);
  auto cell = std::dynamic_pointer_cast<RNNCell>(cell_layer.get());
  if (!cell)
    throw ValueError(
        str(who, ": \"cell\" must be a recurrent cell, got ", cell_layer->class_name(), "."));
  auto rnn = std::make_shared<RNN>(cell, options_from_config(config, who));
  if (config.contains("activity_regularizer"))
    rnn->activity_regularizer_ = regularizer_from_config(config["activity_regularizer"]);
  return rnn;
}

}  // namespace layers
}  // namespace mz
