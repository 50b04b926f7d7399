// Bidirectional: the forward copy and backward layer made from configs (as Keras does), the
// checks between them, the two calls, the flip and merge, masks, shapes and config.
#include "mz/nn/layers/bidirectional.h"

#include "mz/nn/layers/wrapper.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"

namespace mz::layers {
namespace {

std::string without_prefix(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0 ? s.substr(prefix.size()) : s;
}

// The layer as a recurrent layer; ValueError naming `who` otherwise.
std::shared_ptr<RNN> as_rnn(const LayerPtr& layer, const std::string& who, const char* what) {
  if (!layer.get()) throw ValueError(str(who, ": ", what, " is a null pointer."));
  auto rnn = std::dynamic_pointer_cast<RNN>(layer.get());
  if (!rnn)
    throw ValueError(str(who, ": ", what, " must be a recurrent layer (RNN, SimpleRNN, LSTM, ",
                         "GRU), got ", layer->who(), "."));
  return rnn;
}

// A fresh copy of `layer` from its config, renamed, optionally going backwards.
std::shared_ptr<RNN> copy_of(const RNN& layer, const std::string& name, bool go_backwards,
                             const std::string& who) {
  Json c = detail::serialize_layer(layer);
  c["config"]["name"] = name;
  if (go_backwards) c["config"]["go_backwards"] = true;
  return as_rnn(detail::deserialize_layer(c, who), who, "the copied layer");
}

const char* yes_no(bool b) { return b ? "true" : "false"; }

// t with its axis 1 (time) reversed.
Tensor flip_time(const Tensor& t) {
  const int64_t steps = t.shape()[1];
  std::vector<int64_t> order(static_cast<std::size_t>(steps));
  for (int64_t i = 0; i < steps; ++i) order[i] = steps - 1 - i;
  return take(t, tensor(order, {steps}, {.dtype = DType::i64, .device = t.device()}), 1);
}

}  // namespace

Bidirectional::Bidirectional(LayerPtr layer, BidirectionalOptions options)
    : Layer("Bidirectional", LayerCommon{.name = std::move(options.name),
                                         .trainable = options.trainable,
                                         .dtype = options.dtype}),
      merge_mode_(std::move(options.merge_mode)) {
  std::shared_ptr<RNN> rnn = as_rnn(layer, who(), "layer");
  if (merge_mode_ && *merge_mode_ != "concat" && *merge_mode_ != "sum" && *merge_mode_ != "ave" &&
      *merge_mode_ != "mul")
    throw ValueError(str(who(), ": merge_mode must be \"sum\", \"mul\", \"ave\", \"concat\" or ",
                         "none (null), got \"", *merge_mode_, "\"."));
  forward_ = copy_of(*rnn, "forward_" + without_prefix(rnn->name(), "forward_"), false, who());
  backward_ =
      options.backward_layer
          ? as_rnn(*options.backward_layer, who(), "backward_layer")
          : copy_of(*rnn, "backward_" + without_prefix(rnn->name(), "backward_"), true, who());
  if (forward_->go_backwards() == backward_->go_backwards())
    throw ValueError(str(who(), ": the forward and backward layers must differ in go_backwards: ",
                         "got ", yes_no(forward_->go_backwards()), " for both."));
  auto same = [&](const char* attr, bool f, bool b) {
    if (f != b)
      throw ValueError(str(who(), ": the forward and backward layers must agree on ", attr,
                           ": got ", yes_no(f), " (forward) and ", yes_no(b), " (backward)."));
  };
  same("stateful", forward_->stateful(), backward_->stateful());
  same("return_sequences", forward_->return_sequences(), backward_->return_sequences());
  same("return_state", forward_->return_state(), backward_->return_state());
  // Keras: masked steps of returned sequences are zeros in both directions.
  forward_->set_zero_output_for_mask(forward_->return_sequences());
  backward_->set_zero_output_for_mask(backward_->return_sequences());
  if (!options.trainable) set_trainable(false);
  supports_masking_ = true;
}

void Bidirectional::reset_states() {
  if (!stateful()) throw ValueError(str(who(), ": reset_states: the layer is not stateful."));
  forward_->reset_states();
  backward_->reset_states();
}

std::vector<VariablePtr> Bidirectional::weights() const {
  std::vector<VariablePtr> out = forward_->weights();
  for (const VariablePtr& v : backward_->weights()) out.push_back(v);
  return out;
}

std::vector<Tensor> Bidirectional::losses() const {
  std::vector<Tensor> out = activity_losses_;
  for (const auto* layer : {forward_.get(), backward_.get()})
    for (const Tensor& t : layer->losses()) out.push_back(t);
  return out;
}

void Bidirectional::set_trainable(bool trainable) {
  Layer::set_trainable(trainable);
  forward_->set_trainable(trainable);
  backward_->set_trainable(trainable);
}

void Bidirectional::build_multi(const std::vector<Shape>& input_shapes) {
  if (input_shapes.empty())
    throw ValueError(str(who(), ": build needs the input shape, got none."));
  for (RNN* layer : {forward_.get(), backward_.get()}) {
    if (layer->built()) continue;
    layer->maybe_build({input_shapes[0]});
    for (const VariablePtr& v : layer->weights()) v->path = str(name(), "/", v->path);
  }
  mark_built(input_shapes);
}

Tensor Bidirectional::call(const Tensor& x, bool training) {
  return run({x}, Tensor(), training).at(0);
}

std::vector<Tensor> Bidirectional::call_multi(const std::vector<Tensor>& xs, bool training) {
  return run(xs, Tensor(), training);
}

std::vector<Tensor> Bidirectional::call_masked(const std::vector<Tensor>& xs,
                                               const std::vector<Tensor>& masks, bool training) {
  return run(xs, masks.empty() ? Tensor() : masks[0], training);
}

std::vector<Tensor> Bidirectional::run(const std::vector<Tensor>& xs, const Tensor& mask,
                                       bool training) {
  const std::size_t n_states = xs.size() - 1;
  if (n_states % 2 != 0)
    throw ValueError(str(who(), ": initial states come in two halves (forward, then backward): ",
                         "expected an even count, got ", n_states, "."));
  std::vector<Tensor> fwd{xs[0]}, bwd{xs[0]};
  for (std::size_t i = 0; i < n_states; ++i) (i < n_states / 2 ? fwd : bwd).push_back(xs[1 + i]);
  std::vector<Tensor> fmasks(fwd.size()), bmasks(bwd.size());
  fmasks[0] = bmasks[0] = mask;
  std::vector<Tensor> y = forward_->call_with_masks(fwd, fmasks, training, nullptr);
  std::vector<Tensor> y_rev = backward_->call_with_masks(bwd, bmasks, training, nullptr);
  Tensor out = y[0], out_rev = y_rev[0];
  if (return_sequences()) out_rev = flip_time(out_rev);
  std::vector<Tensor> result;
  if (!merge_mode_) {
    result = {out, out_rev};
  } else if (*merge_mode_ == "concat") {
    result = {concat({out, out_rev}, -1)};
  } else if (*merge_mode_ == "sum") {
    result = {out + out_rev};
  } else if (*merge_mode_ == "ave") {
    result = {(out + out_rev) * 0.5};
  } else {
    result = {out * out_rev};
  }
  if (return_state()) {
    for (std::size_t i = 1; i < y.size(); ++i) result.push_back(y[i]);
    for (std::size_t i = 1; i < y_rev.size(); ++i) result.push_back(y_rev[i]);
  }
  return result;
}

std::vector<Tensor> Bidirectional::compute_mask(const std::vector<Tensor>& /*xs*/,
                                                const std::vector<Tensor>& masks) {
  const Tensor m = return_sequences() && !masks.empty() ? masks[0] : Tensor();
  std::vector<Tensor> out = merge_mode_ ? std::vector<Tensor>{m} : std::vector<Tensor>{m, m};
  if (return_state()) out.resize(out.size() + 2 * forward_->cell()->state_size().size());
  return out;
}

Shape Bidirectional::compute_output_shape(const Shape& input_shape) {
  return compute_output_shapes({input_shape}).at(0);
}

std::vector<Shape> Bidirectional::compute_output_shapes(const std::vector<Shape>& input_shapes) {
  if (input_shapes.empty())
    throw ValueError(str(who(), ": compute_output_shapes needs the input shape, got none."));
  std::vector<Shape> f = forward_->compute_output_shapes({input_shapes[0]});
  Shape out = f[0];
  if (merge_mode_ && *merge_mode_ == "concat") out[out.rank() - 1] *= 2;
  std::vector<Shape> result = merge_mode_ ? std::vector<Shape>{out} : std::vector<Shape>{out, out};
  for (int half = 0; half < 2; ++half)
    for (std::size_t i = 1; i < f.size(); ++i) result.push_back(f[i]);
  return result;
}

Json Bidirectional::config() const {
  Json c = Layer::config();
  c["merge_mode"] = merge_mode_ ? Json(*merge_mode_) : Json(nullptr);
  c["layer"] = detail::serialize_layer(*forward_);
  c["backward_layer"] = detail::serialize_layer(*backward_);
  return c;
}

std::shared_ptr<Bidirectional> Bidirectional::from_config(const Json& config) {
  const std::string who = "Bidirectional.from_config";
  LayerPtr layer = detail::wrapped_layer_from_config(config, "layer", who);
  LayerCommon common = layer_common_from_config(config, who);
  BidirectionalOptions options{
      .name = common.name, .trainable = common.trainable, .dtype = common.dtype};
  if (config.contains("merge_mode")) {
    const Json& m = config["merge_mode"];
    if (m.is_null()) {
      options.merge_mode = std::nullopt;
    } else if (m.is_string()) {
      options.merge_mode = m.get<std::string>();
    } else {
      throw ValueError(
          str(who, ": config \"merge_mode\": expected a string or null, got ", m.dump(), "."));
    }
  }
  if (config.contains("backward_layer") && !config["backward_layer"].is_null())
    options.backward_layer = detail::deserialize_layer(config["backward_layer"], who);
  return std::make_shared<Bidirectional>(layer, std::move(options));
}

}  // namespace mz::layers
