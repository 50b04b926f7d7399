// GRUCell: weights, one step in ops (the fused gru_cell kernel for reset_after with Keras's
// default activations), the fused whole-sequence path and the config.
#include "mz/nn/layers/gru_cell.h"

#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/index.h"
#include "mz/ops/linalg.h"
#include "mz/ops/rnn.h"

namespace mz {
namespace layers {
namespace {

CellSettings settings_of(int64_t units, const GRUCellOptions& o) {
  CellSettings s;
  s.units = units;
  s.activation = o.activation;
  s.recurrent_activation = o.recurrent_activation;
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

// Row i of the (2, 3 units) bias: 0 is the input bias, 1 the recurrent bias.
Tensor bias_row(const Tensor& bias, int64_t i) {
  return bias.slice(0, i, i + 1).reshape({bias.shape()[1]});
}

}  // namespace

GRUCell::GRUCell(int64_t units, GRUCellOptions options)
    : DropoutRNNCell("GRUCell", settings_of(units, options), 3,
                     LayerCommon{.name = std::move(options.name),
                                 .trainable = options.trainable,
                                 .dtype = options.dtype}),
      reset_after_(options.reset_after) {}

void GRUCell::build(const Shape& input_shape) {
  build_kernels(input_shape);
  if (!s_.use_bias) return;
  const Shape shape = reset_after_ ? Shape{2, 3 * s_.units} : Shape{3 * s_.units};
  bias_ =
      add_weight("bias", shape, s_.bias_initializer, true, s_.bias_regularizer, s_.bias_constraint);
}

CellStep GRUCell::call(const Tensor& x, const std::vector<Tensor>& states, bool training) {
  check_step_input(x);
  if (states.size() != 1)
    throw ValueError(str(who(), ": expected 1 state (h), got ", states.size(), "."));
  const Tensor& h = states[0];
  const Tensor &k = kernel_->value, &r = recurrent_kernel_->value;
  Tensor in_bias, rec_bias;
  if (bias_) {
    in_bias = reset_after_ ? bias_row(bias_->value, 0) : bias_->value;
    if (reset_after_) rec_bias = bias_row(bias_->value, 1);
  }
  // Keras's implementation 1 (one mask per gate) when recurrent_dropout is set, else 2.
  const bool per_gate = s_.recurrent_dropout != 0.0;
  const std::vector<Tensor>& dp = input_masks(x, per_gate ? 3 : 1, training);
  const std::vector<Tensor>& rdp = recurrent_masks(h, 3, training);
  auto x_in = [&](int q) { return dp.empty() ? x : x * dp[dp.size() == 1 ? 0 : q]; };
  auto h_in = [&](int q) { return rdp.empty() ? h : h * rdp[q]; };
  // The input projections of the three blocks, (batch, 3 units).
  Tensor xg;
  if (!per_gate) {
    xg = matmul(x_in(0), k);
  } else {
    xg = concat(
        {matmul(x_in(0), block(k, 0)), matmul(x_in(1), block(k, 1)), matmul(x_in(2), block(k, 2))},
        1);
  }
  if (in_bias.defined()) xg = xg + in_bias;
  const std::string &act = s_.activation, &rec = s_.recurrent_activation;
  if (reset_after_) {
    Tensor hg = per_gate ? concat({matmul(h_in(0), block(r, 0)), matmul(h_in(1), block(r, 1)),
                                   matmul(h_in(2), block(r, 2))},
                                  1)
                         : matmul(h, r);
    if (rec_bias.defined()) hg = hg + rec_bias;
    if (default_activations()) {
      Tensor h_new = gru_cell(xg, hg, h);
      return {h_new, {h_new}};
    }
    Tensor z = activation(rec, block(xg, 0) + block(hg, 0));
    Tensor rg = activation(rec, block(xg, 1) + block(hg, 1));
    Tensor hh = activation(act, block(xg, 2) + rg * block(hg, 2));
    Tensor h_new = z * h + (1.0 - z) * hh;
    return {h_new, {h_new}};
  }
  // reset_after = false: the reset gate scales h before the candidate's product.
  Tensor z = activation(rec, block(xg, 0) + matmul(h_in(0), block(r, 0)));
  Tensor rg = activation(rec, block(xg, 1) + matmul(h_in(1), block(r, 1)));
  Tensor hh = activation(act, block(xg, 2) + matmul(rg * h_in(2), block(r, 2)));
  Tensor h_new = z * h + (1.0 - z) * hh;
  return {h_new, {h_new}};
}

std::optional<SequenceResult> GRUCell::call_sequence(const SequenceCall& call) {
  if (!reset_after_ || !default_activations() || recurrent_dropout_active(call.training))
    return std::nullopt;
  Tensor in_bias = bias_ ? bias_row(bias_->value, 0) : Tensor();
  Tensor rec_bias = bias_ ? bias_row(bias_->value, 1) : Tensor();
  Tensor xg = project_sequence(call, in_bias);
  Tensor packed = gru_sequence(xg, call.states[0], recurrent_kernel_->value, rec_bias,
                               {.mask = call.mask,
                                .go_backwards = call.go_backwards,
                                .zero_output_for_mask = call.zero_output_for_mask});
  return unpack_sequence(packed, call.sequences.shape()[1], 1, call.return_sequences);
}

Json GRUCell::config() const {
  Json c = DropoutRNNCell::config();
  c["recurrent_activation"] = s_.recurrent_activation;
  c["reset_after"] = reset_after_;
  return c;
}

GRUCellOptions GRUCell::options_from_config(const Json& config, const std::string& who) {
  CellSettings s = detail::read_cell_settings(config, who, true);
  LayerCommon common = layer_common_from_config(config, who);
  return {.activation = s.activation,
          .recurrent_activation = s.recurrent_activation,
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
          .reset_after = config_get(config, "reset_after", true, who),
          .seed = s.seed,
          .name = common.name,
          .trainable = common.trainable,
          .dtype = common.dtype};
}

std::shared_ptr<GRUCell> GRUCell::from_config(const Json& config) {
  const std::string who = "GRUCell.from_config";
  GRUCellOptions options = options_from_config(config, who);
  return std::make_shared<GRUCell>(config_get<int64_t>(config, "units", 0, who),
                                   std::move(options));
}

}  // namespace layers
}  // namespace mz
