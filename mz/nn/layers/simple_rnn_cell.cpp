// SimpleRNNCell: weights, one step in ops, the fused whole-sequence path and the config.
#include "mz/nn/layers/simple_rnn_cell.h"

#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/linalg.h"
#include "mz/ops/rnn.h"

namespace mz {
namespace layers {
namespace {

CellSettings settings_of(int64_t units, const SimpleRNNCellOptions& o) {
  CellSettings s;
  s.units = units;
  s.activation = o.activation;
  s.use_bias = o.use_bias;
  s.kernel_initializer = o.kernel_initializer.get();
  s.recurrent_initializer = o.recurrent_initializer.get();
  s.bias_initializer = o.bias_initializer.get();
  s.kernel_regularizer = o.kernel_regularizer.get();
  s.recurrent_regularizer = o.recurrent_regularizer.get();
  s.bias_regularizer = o.bias_regularizer.get();
  s.kernel_constraint = o.kernel_constraint.get();
  s.recurrent_constraint = o.recurrent_constraint.get();
  s.bias_constraint = o.bias_constraint.get();
  s.dropout = o.dropout;
  s.recurrent_dropout = o.recurrent_dropout;
  s.seed = o.seed;
  return s;
}

// The activations simple_rnn_sequence runs fused, by Keras name.
bool fused_act(const std::string& name, Act* act) {
  if (name == "linear") return *act = Act::linear, true;
  if (name == "relu") return *act = Act::relu, true;
  if (name == "tanh") return *act = Act::tanh, true;
  if (name == "sigmoid") return *act = Act::sigmoid, true;
  return false;
}

}  // namespace

SimpleRNNCell::SimpleRNNCell(int64_t units, SimpleRNNCellOptions options)
    : DropoutRNNCell("SimpleRNNCell", settings_of(units, options), 1,
                     LayerCommon{.name = std::move(options.name),
                                 .trainable = options.trainable,
                                 .dtype = options.dtype}) {}

void SimpleRNNCell::build(const Shape& input_shape) {
  build_kernels(input_shape);
  if (s_.use_bias)
    bias_ = add_weight("bias", {s_.units}, s_.bias_initializer, true, s_.bias_regularizer,
                       s_.bias_constraint);
}

CellStep SimpleRNNCell::call(const Tensor& x, const std::vector<Tensor>& states, bool training) {
  check_step_input(x);
  if (states.size() != 1)
    throw ValueError(str(who(), ": expected 1 state (h), got ", states.size(), "."));
  const Tensor& h = states[0];
  const std::vector<Tensor>& dp = input_masks(x, 1, training);
  const std::vector<Tensor>& rdp = recurrent_masks(h, 1, training);
  Tensor z = linear(dp.empty() ? x : x * dp[0], kernel_->value, bias_ ? bias_->value : Tensor());
  z = z + matmul(rdp.empty() ? h : h * rdp[0], recurrent_kernel_->value);
  Tensor h_new = activation(s_.activation, z);
  return {h_new, {h_new}};
}

std::optional<SequenceResult> SimpleRNNCell::call_sequence(const SequenceCall& call) {
  Act act = Act::linear;
  if (!fused_act(s_.activation, &act) || recurrent_dropout_active(call.training))
    return std::nullopt;
  Tensor xg = project_sequence(call, bias_ ? bias_->value : Tensor());
  Tensor packed = simple_rnn_sequence(xg, call.states[0], recurrent_kernel_->value, act,
                                      {.mask = call.mask,
                                       .go_backwards = call.go_backwards,
                                       .zero_output_for_mask = call.zero_output_for_mask});
  return unpack_sequence(packed, call.sequences.shape()[1], 1, call.return_sequences);
}

SimpleRNNCellOptions SimpleRNNCell::options_from_config(const Json& config,
                                                        const std::string& who) {
  CellSettings s = detail::read_cell_settings(config, who, false);
  LayerCommon common = layer_common_from_config(config, who);
  return {.activation = s.activation,
          .use_bias = s.use_bias,
          .kernel_initializer = s.kernel_initializer,
          .recurrent_initializer = s.recurrent_initializer,
          .bias_initializer = s.bias_initializer,
          .kernel_regularizer = s.kernel_regularizer,
          .recurrent_regularizer = s.recurrent_regularizer,
          .bias_regularizer = s.bias_regularizer,
          .kernel_constraint = s.kernel_constraint,
          .recurrent_constraint = s.recurrent_constraint,
          .bias_constraint = s.bias_constraint,
          .dropout = s.dropout,
          .recurrent_dropout = s.recurrent_dropout,
          .seed = s.seed,
          .name = common.name,
          .trainable = common.trainable,
          .dtype = common.dtype};
}

std::shared_ptr<SimpleRNNCell> SimpleRNNCell::from_config(const Json& config) {
  const std::string who = "SimpleRNNCell.from_config";
  SimpleRNNCellOptions options = options_from_config(config, who);
  return std::make_shared<SimpleRNNCell>(config_get<int64_t>(config, "units", 0, who),
                                         std::move(options));
}

}  // namespace layers
}  // namespace mz
