// LSTMCell: weights (the forget-gate bias starts at 1), one step in ops (the fused lstm_cell
// kernel for Keras's default activations), the fused whole-sequence path and the config.
#include "mz/nn/layers/lstm_cell.h"

#include "mz/nn/layers/recurrent_options.h"
#include "mz/ops/activation.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"
#include "mz/ops/linalg.h"
#include "mz/ops/rnn.h"

namespace mz {
namespace layers {
namespace {

// Keras's unit_forget_bias: the base initializer for blocks i, c, o and ones for f.
class ForgetBiasInitializer : public Initializer {
 public:
  ForgetBiasInitializer(InitializerPtr base, int64_t units)
      : base_(std::move(base)), units_(units) {}
  Tensor operator()(const Shape& shape, DType dtype) const override {
    return concat({(*base_)({units_}, dtype), ones({units_}, {.dtype = dtype}),
                   (*base_)({2 * units_}, dtype)},
                  0);
  }
  std::string class_name() const override { return base_->class_name(); }
  Json config() const override { return base_->config(); }

 private:
  InitializerPtr base_;
  int64_t units_;
};

// Row i of a (n, batch, units) tensor.
Tensor row(const Tensor& t, int64_t i) {
  return t.slice(0, i, i + 1).reshape({t.shape()[1], t.shape()[2]});
}

}  // namespace

LSTMCell::LSTMCell(int64_t units, LSTMCellOptions options)
    : DropoutRNNCell("LSTMCell", detail::cell_settings(units, options), 4,
                     detail::with_common_fields<LayerCommon>(options)),
      unit_forget_bias_(options.unit_forget_bias) {}

void LSTMCell::build(const Shape& input_shape) {
  build_kernels(input_shape);
  if (!s_.use_bias) return;
  InitializerPtr init = s_.bias_initializer;
  if (unit_forget_bias_) init = std::make_shared<ForgetBiasInitializer>(init, s_.units);
  bias_ = add_weight("bias", {4 * s_.units}, init, true, s_.bias_regularizer, s_.bias_constraint);
}

CellStep LSTMCell::call(const Tensor& x, const std::vector<Tensor>& states, bool training) {
  check_step_input(x);
  if (states.size() != 2)
    throw ValueError(str(who(), ": expected 2 states (h, c), got ", states.size(), "."));
  const Tensor &h = states[0], &c = states[1];
  const Tensor &k = kernel_->value, &r = recurrent_kernel_->value;
  // Keras's implementation 1 (one mask per gate) when recurrent_dropout is set, else 2.
  const bool per_gate = s_.recurrent_dropout != 0.0;
  const std::vector<Tensor>& dp = input_masks(x, per_gate ? 4 : 1, training);
  const std::vector<Tensor>& rdp = recurrent_masks(h, 4, training);
  Tensor z;
  if (!per_gate) {
    z = matmul(dp.empty() ? x : x * dp[0], k) + matmul(h, r);
  } else {
    std::vector<Tensor> parts;
    for (int q = 0; q < 4; ++q)
      parts.push_back(matmul(dp.empty() ? x : x * dp[q], block(k, q)) +
                      matmul(rdp.empty() ? h : h * rdp[q], block(r, q)));
    z = concat(parts, 1);
  }
  if (bias_) z = z + bias_->value;
  Tensor h_new, c_new;
  if (default_activations()) {
    Tensor hc = lstm_cell(z, c);
    h_new = row(hc, 0), c_new = row(hc, 1);
  } else {
    const std::string &act = s_.activation, &rec = s_.recurrent_activation;
    Tensor i = activation(rec, block(z, 0)), f = activation(rec, block(z, 1));
    Tensor o = activation(rec, block(z, 3));
    c_new = f * c + i * activation(act, block(z, 2));
    h_new = o * activation(act, c_new);
  }
  return {h_new, {h_new, c_new}};
}

std::optional<SequenceResult> LSTMCell::call_sequence(const SequenceCall& call) {
  if (!default_activations() || recurrent_dropout_active(call.training)) return std::nullopt;
  Tensor xg = project_sequence(call, bias_ ? bias_->value : Tensor());
  Tensor packed = lstm_sequence(xg, call.states[0], call.states[1], recurrent_kernel_->value,
                                detail::recurrence_options(call));
  return unpack_sequence(packed, call.sequences.shape()[1], 2, call.return_sequences);
}

Json LSTMCell::config() const {
  Json c = DropoutRNNCell::config();
  c["recurrent_activation"] = s_.recurrent_activation;
  c["unit_forget_bias"] = unit_forget_bias_;
  return c;
}

LSTMCellOptions LSTMCell::options_from_config(const Json& config, const std::string& who) {
  return detail::cell_options_from_config<LSTMCellOptions>(config, who);
}

std::shared_ptr<LSTMCell> LSTMCell::from_config(const Json& config) {
  return detail::cell_from_config<LSTMCell>(config, "LSTMCell.from_config");
}

}  // namespace layers
}  // namespace mz
