// RNNCell's Layer face (a step called on {inputs, states...}), DropoutRNNCell's weights,
// validation, per-sequence dropout masks and the config keys the built-in cells share.
#include "mz/nn/layers/rnn_cell.h"

#include "mz/core/grad_mode.h"
#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/linalg.h"
#include "mz/ops/random.h"

namespace mz {
namespace layers {

// ----- RNNCell -----

RNNCell::RNNCell(std::string class_name, LayerCommon common)
    : Layer(std::move(class_name), std::move(common)) {}

int64_t RNNCell::output_size() const { return state_size().at(0); }

std::vector<Tensor> RNNCell::get_initial_state(int64_t batch_size, Device device) const {
  std::vector<Tensor> states;
  for (int64_t size : state_size())
    states.push_back(zeros({batch_size, size}, {.dtype = dtype(), .device = device}));
  return states;
}

std::optional<SequenceResult> RNNCell::call_sequence(const SequenceCall& /*call*/) {
  return std::nullopt;
}

Tensor RNNCell::call(const Tensor& x, bool training) {
  if (x.rank() != 2)
    throw ShapeError(
        str(who(), ": input must have rank 2: expected (batch, features), got ", x.shape(), "."));
  return call(x, get_initial_state(x.shape()[0], x.device()), training).output;
}

std::vector<Tensor> RNNCell::call_multi(const std::vector<Tensor>& xs, bool training) {
  const std::size_t n_states = state_size().size();
  if (xs.size() != 1 && xs.size() != 1 + n_states)
    throw ValueError(str(who(), ": expected the inputs and ", n_states,
                         " states (or the inputs alone), got ", xs.size(), " tensors."));
  std::vector<Tensor> states(xs.begin() + 1, xs.end());
  if (states.empty()) states = get_initial_state(xs[0].shape()[0], xs[0].device());
  for (std::size_t i = 0; i < states.size(); ++i) {
    const Shape expected{xs[0].shape()[0], state_size()[i]};
    if (!(states[i].shape() == expected))
      throw ShapeError(str(who(), ": state ", i, " is ", states[i].shape(), ", expected ", expected,
                           " (batch, state_size[", i, "])."));
  }
  CellStep step = call(xs[0], states, training);
  std::vector<Tensor> out{step.output};
  for (const Tensor& s : step.states) out.push_back(s);
  return out;
}

void RNNCell::build_multi(const std::vector<Shape>& input_shapes) {
  if (input_shapes.empty())
    throw ValueError(str(who(), ": build needs the input shape, got none."));
  build(input_shapes[0]);
}

Shape RNNCell::compute_output_shape(const Shape& input_shape) {
  return {input_shape.rank() > 0 ? input_shape[0] : -1, output_size()};
}

std::vector<Shape> RNNCell::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  const int64_t batch =
      input_shapes.empty() || input_shapes[0].rank() == 0 ? -1 : input_shapes[0][0];
  std::vector<Shape> out{{batch, output_size()}};
  for (int64_t size : state_size()) out.push_back({batch, size});
  return out;
}

// ----- DropoutRNNCell -----

namespace {

void check_rate(double rate, const char* name, const std::string& who) {
  if (!(rate >= 0.0 && rate <= 1.0))
    throw ValueError(
        str(who, ": ", name, " must be in [0, 1]: expected 0 <= ", name, " <= 1, got ", rate, "."));
}

void check_activation(const std::string& name, const char* key, const std::string& who) {
  if (!is_activation(name))
    throw ValueError(str(who, ": unknown ", key, ": expected one of ", activation_names(),
                         "; got \"", name, "\"."));
}

// Keras applies dropout only for rates strictly inside (0, 1).
bool active(double rate, bool training) { return training && rate > 0.0 && rate < 1.0; }

}  // namespace

DropoutRNNCell::DropoutRNNCell(std::string class_name, CellSettings settings, int blocks,
                               LayerCommon common)
    : RNNCell(std::move(class_name), std::move(common)), s_(std::move(settings)), blocks_(blocks) {
  if (s_.units < 1)
    throw ValueError(
        str(who(), ": units must be positive: expected units >= 1, got ", s_.units, "."));
  if (s_.activation.empty()) s_.activation = "linear";
  if (s_.recurrent_activation.empty()) s_.recurrent_activation = "linear";
  check_activation(s_.activation, "activation", who());
  check_activation(s_.recurrent_activation, "recurrent_activation", who());
  check_rate(s_.dropout, "dropout", who());
  check_rate(s_.recurrent_dropout, "recurrent_dropout", who());
  if (!s_.kernel_initializer) s_.kernel_initializer = get_initializer("glorot_uniform");
  if (!s_.recurrent_initializer) s_.recurrent_initializer = get_initializer("orthogonal");
  if (!s_.bias_initializer) s_.bias_initializer = get_initializer("zeros");
  if (s_.seed) generator_.emplace(static_cast<uint64_t>(*s_.seed));
}

int64_t DropoutRNNCell::build_kernels(const Shape& input_shape) {
  if (input_shape.rank() != 2)
    throw ShapeError(
        str(who(), ": input must have rank 2: expected (batch, features), got ", input_shape, "."));
  const int64_t features = input_shape[1];
  if (features < 1)
    throw ShapeError(str(who(),
                         ": the feature dimension must be known: expected a positive "
                         "size, got ",
                         input_shape, "."));
  const int64_t width = blocks_ * s_.units;
  kernel_ = add_weight("kernel", {features, width}, s_.kernel_initializer, true,
                       s_.kernel_regularizer, s_.kernel_constraint);
  recurrent_kernel_ = add_weight("recurrent_kernel", {s_.units, width}, s_.recurrent_initializer,
                                 true, s_.recurrent_regularizer, s_.recurrent_constraint);
  return features;
}

void DropoutRNNCell::check_step_input(const Tensor& x) const {
  const Shape& k = kernel_->value.shape();
  if (x.rank() != 2 || x.shape()[1] != k[0])
    throw ShapeError(str(who(), ": input is ", x.shape(), ", but the cell was built for (batch, ",
                         k[0], ") (kernel ", k, ")."));
}

Generator& DropoutRNNCell::generator() { return generator_ ? *generator_ : default_generator(); }

const std::vector<Tensor>& DropoutRNNCell::input_masks(const Tensor& like, int count,
                                                       bool training) {
  static const std::vector<Tensor> none;
  if (!active(s_.dropout, training)) return none;
  if (input_masks_.empty()) {
    NoGrad no_grad;
    for (int i = 0; i < count; ++i)
      input_masks_.push_back(dropout(ones_like(like.detach()), s_.dropout, true, generator()));
  }
  return input_masks_;
}

const std::vector<Tensor>& DropoutRNNCell::recurrent_masks(const Tensor& like, int count,
                                                           bool training) {
  static const std::vector<Tensor> none;
  if (!active(s_.recurrent_dropout, training)) return none;
  if (recurrent_masks_.empty()) {
    NoGrad no_grad;
    for (int i = 0; i < count; ++i)
      recurrent_masks_.push_back(
          dropout(ones_like(like.detach()), s_.recurrent_dropout, true, generator()));
  }
  return recurrent_masks_;
}

void DropoutRNNCell::reset_dropout_masks() {
  input_masks_.clear();
  recurrent_masks_.clear();
}

Tensor DropoutRNNCell::block(const Tensor& w, int q) const {
  return w.slice(w.rank() - 1, q * s_.units, (q + 1) * s_.units);
}

bool DropoutRNNCell::default_activations() const {
  return s_.activation == "tanh" && s_.recurrent_activation == "sigmoid";
}

bool DropoutRNNCell::recurrent_dropout_active(bool training) const {
  return active(s_.recurrent_dropout, training);
}

Tensor DropoutRNNCell::project_sequence(const SequenceCall& call, const Tensor& bias) {
  Tensor x = call.sequences;
  const int64_t batch = x.shape()[0], steps = x.shape()[1], features = x.shape()[2];
  const std::vector<Tensor>& masks =
      input_masks(x.detach().slice(1, 0, 1).reshape({batch, features}), 1, call.training);
  if (!masks.empty()) x = x * masks[0].unsqueeze(1);
  Tensor rows = x.transpose(0, 1).reshape({steps * batch, features});
  // Kept 2-D (steps * batch rows): the recurrence op takes it so, and its gradient then
  // reaches linear() without a reshape in between.
  return linear(rows, kernel_->value, bias);
}

SequenceResult DropoutRNNCell::unpack_sequence(const Tensor& packed, int64_t steps, int n_states,
                                               bool return_sequences) {
  const int64_t batch = packed.shape()[1], units = packed.shape()[2];
  auto row = [&](int64_t i) { return packed.slice(0, i, i + 1).reshape({batch, units}); };
  SequenceResult r;
  r.last_output = row(steps - 1);
  if (return_sequences) r.outputs = packed.slice(0, 0, steps).transpose(0, 1).contiguous();
  for (int i = 0; i < n_states; ++i) r.states.push_back(row(steps + i));
  return r;
}

Json DropoutRNNCell::config() const {
  Json c = Layer::config();
  detail::write_cell_settings(s_, c);
  return c;
}

// ----- configs -----

namespace detail {

std::string activation_from_config(const Json& a, const std::string& who) {
  if (a.is_null()) return "linear";
  if (a.is_string()) return a.get<std::string>();
  if (a.is_object() && a.contains("config") && a["config"].is_string())
    return a["config"].get<std::string>();
  throw ValueError(
      str(who, ": config \"activation\": expected an activation name, got ", a.dump(), "."));
}

void write_cell_settings(const CellSettings& s, Json& c) {
  c["units"] = s.units;
  c["activation"] = s.activation;
  c["use_bias"] = s.use_bias;
  c["kernel_initializer"] = initializer_to_config(s.kernel_initializer);
  c["recurrent_initializer"] = initializer_to_config(s.recurrent_initializer);
  c["bias_initializer"] = initializer_to_config(s.bias_initializer);
  c["kernel_regularizer"] = regularizer_to_config(s.kernel_regularizer);
  c["recurrent_regularizer"] = regularizer_to_config(s.recurrent_regularizer);
  c["bias_regularizer"] = regularizer_to_config(s.bias_regularizer);
  c["kernel_constraint"] = constraint_to_config(s.kernel_constraint);
  c["recurrent_constraint"] = constraint_to_config(s.recurrent_constraint);
  c["bias_constraint"] = constraint_to_config(s.bias_constraint);
  c["dropout"] = s.dropout;
  c["recurrent_dropout"] = s.recurrent_dropout;
  c["seed"] = s.seed ? Json(*s.seed) : Json(nullptr);
}

CellSettings read_cell_settings(const Json& config, const std::string& who,
                                bool with_recurrent_activation) {
  if (!config.is_object() || !config.contains("units"))
    throw ValueError(str(who, ": config needs \"units\", got ", config.dump(), "."));
  auto get = [&](const char* key) { return config.contains(key) ? config[key] : Json(nullptr); };
  auto init = [&](const char* key, const char* fallback) {
    return config.contains(key) && !config[key].is_null() ? initializer_from_config(config[key])
                                                          : get_initializer(fallback);
  };
  CellSettings s;
  s.units = config_get<int64_t>(config, "units", 0, who);
  s.activation =
      config.contains("activation") ? activation_from_config(config["activation"], who) : "tanh";
  if (with_recurrent_activation)
    s.recurrent_activation = config.contains("recurrent_activation")
                                 ? activation_from_config(config["recurrent_activation"], who)
                                 : "sigmoid";
  s.use_bias = config_get(config, "use_bias", true, who);
  s.kernel_initializer = init("kernel_initializer", "glorot_uniform");
  s.recurrent_initializer = init("recurrent_initializer", "orthogonal");
  s.bias_initializer = init("bias_initializer", "zeros");
  s.kernel_regularizer = regularizer_from_config(get("kernel_regularizer"));
  s.recurrent_regularizer = regularizer_from_config(get("recurrent_regularizer"));
  s.bias_regularizer = regularizer_from_config(get("bias_regularizer"));
  s.kernel_constraint = constraint_from_config(get("kernel_constraint"));
  s.recurrent_constraint = constraint_from_config(get("recurrent_constraint"));
  s.bias_constraint = constraint_from_config(get("bias_constraint"));
  s.dropout = config_get(config, "dropout", 0.0, who);
  s.recurrent_dropout = config_get(config, "recurrent_dropout", 0.0, who);
  if (config.contains("seed") && !config["seed"].is_null())
    s.seed = config_get<int64_t>(config, "seed", 0, who);
  return s;
}

}  // namespace detail
}  // namespace layers
}  // namespace mz
