// GRUCell: weights, one step in ops (the fused gru_cell kernel for reset_after with Keras's
// default activations), the fused whole-sequence path and the config.
#include "mz/nn/layers/gru_cell.h"

#include "mz/nn/layers/recurrent_options.h"
#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/index.h"
#include "mz/ops/linalg.h"
#include "mz/ops/rnn.h"

namespace mz {
namespace layers {
namespace {

// Row i of the (2, 3 units) bias: 0 is the input bias, 1 the recurrent bias.
Tensor bias_row(const Tensor& bias, int64_t i) {
  return bias.slice(0, i, i + 1).reshape({bias.shape()[1]});
}

}  // namespace

GRUCell::GRUCell(int64_t units, GRUCellOptions options)
    : DropoutRNNCell("GRUCell", detail::cell_settings(units, options), 3,
                     detail::with_common_fields<LayerCommon>(options)),
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
                               detail::recurrence_options(call));
  return unpack_sequence(packed, call.sequences.shape()[1], 1, call.return_sequences);
}

Json GRUCell::config() const {
  Json c = DropoutRNNCell::config();
  c["recurrent_activation"] = s_.recurrent_activation;
  c["reset_after"] = reset_after_;
  return c;
}

GRUCellOptions GRUCell::options_from_config(const Json& config, const std::string& who) {
  return detail::cell_options_from_config<GRUCellOptions>(config, who);
}

std::shared_ptr<GRUCell> GRUCell::from_config(const Json& config) {
  return detail::cell_from_config<GRUCell>(config, "GRUCell.from_config");
}

}  // namespace layers
}  // namespace mz
