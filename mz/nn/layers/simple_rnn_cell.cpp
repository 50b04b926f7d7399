// SimpleRNNCell: weights, one step in ops, the fused whole-sequence path and the config.
#include "mz/nn/layers/simple_rnn_cell.h"

#include "mz/nn/layers/recurrent_options.h"
#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/linalg.h"
#include "mz/ops/rnn.h"

namespace mz {
namespace layers {
namespace {

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
    : DropoutRNNCell("SimpleRNNCell", detail::cell_settings(units, options), 1,
                     detail::with_common_fields<LayerCommon>(options)) {}

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
                                      detail::recurrence_options(call));
  return unpack_sequence(packed, call.sequences.shape()[1], 1, call.return_sequences);
}

SimpleRNNCellOptions SimpleRNNCell::options_from_config(const Json& config,
                                                        const std::string& who) {
  return detail::cell_options_from_config<SimpleRNNCellOptions>(config, who);
}

std::shared_ptr<SimpleRNNCell> SimpleRNNCell::from_config(const Json& config) {
  return detail::cell_from_config<SimpleRNNCell>(config, "SimpleRNNCell.from_config");
}

}  // namespace layers
}  // namespace mz
