// ConvBase: the argument checks, Keras's padding rules (valid, same, causal; transposed sizes),
// weights, the forward through mz::conv / conv_transpose, shapes and configs of every
// convolution layer.
#include "mz/nn/layers/conv_base.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "mz/ops/activation.h"
#include "mz/ops/arith.h"

namespace mz::layers {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The axes of an input of `rank` spatial axes, as Keras's docs name them.
const char* axes_text(int rank) {
  switch (rank) {
    case 1:
      return "(batch, steps, channels)";
    case 2:
      return "(batch, rows, cols, channels)";
    default:
      return "(batch, depth, rows, cols, channels)";
  }
}

// `v` as `rank` values (one value is repeated), each >= least; throws ValueError naming `what`.
std::vector<int64_t> per_axis(const SpatialInts& v, int rank, const char* what, int64_t least,
                              const std::string& who) {
  const std::vector<int64_t>& in = v.values();
  if (in.size() != 1 && static_cast<int>(in.size()) != rank)
    throw ValueError(str(who, ": ", what, " must be an int or ", rank, " ints: expected 1 or ",
                         rank, " values, got ", Shape(in), "."));
  std::vector<int64_t> out(rank, in.empty() ? 0 : in[0]);
  if (in.size() == static_cast<std::size_t>(rank)) out = in;
  for (int64_t x : out)
    if (x < least)
      throw ValueError(str(who, ": ", what, " must be ", least == 0 ? "non-negative" : "positive",
                           ": expected values >= ", least, ", got ", Shape(in), "."));
  return out;
}

// The activations mz::conv fuses, by Keras name.
bool fused_act(const std::string& name, Act* act) {
  if (name == "linear") return *act = Act::linear, true;
  if (name == "relu") return *act = Act::relu, true;
  if (name == "tanh") return *act = Act::tanh, true;
  if (name == "sigmoid") return *act = Act::sigmoid, true;
  return false;
}

// Keras writes a built-in activation as its name; a serialized function dict carries it in
// "config".
std::string activation_from_config(const Json& a, const std::string& who) {
  if (a.is_null()) return "linear";
  if (a.is_string()) return a.get<std::string>();
  if (a.is_object() && a.contains("config") && a["config"].is_string())
    return a["config"].get<std::string>();
  throw ValueError(
      str(who, ": config \"activation\": expected an activation name, got ", a.dump(), "."));
}

// config[key] as an int or a list of ints; `fallback` when absent or null.
SpatialInts ints_from_config(const Json& config, const char* key, const SpatialInts& fallback,
                             const std::string& who) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  const Json& v = config[key];
  if (v.is_number_integer()) return SpatialInts(v.get<int64_t>());
  std::vector<int64_t> out;
  if (v.is_array())
    for (const Json& e : v) {
      if (!e.is_number_integer()) {
        out.clear();
        break;
      }
      out.push_back(e.get<int64_t>());
    }
  if (out.empty())
    throw ValueError(
        str(who, ": config \"", key, "\": expected an int or a list of ints, got ", v.dump(), "."));
  return SpatialInts(out);
}

Json ints_json(const std::vector<int64_t>& v) { return Json(v); }

}  // namespace

// ----- construction -----

namespace {

// The ConvSpec fields every family's options share (strides ... bias_constraint, name,
// trainable, dtype), moved out of `o`, with the (depthwise) kernel's initializer, regularizer
// and constraint; the caller adds its family's own fields.
template <class Options>
ConvSpec shared_spec(ConvKind kind, int rank, int64_t filters, SpatialInts kernel_size, Options& o,
                     InitializerSpec kernel_initializer, RegularizerSpec kernel_regularizer,
                     ConstraintSpec kernel_constraint) {
  return ConvSpec{.kind = kind,
                  .rank = rank,
                  .filters = filters,
                  .kernel_size = std::move(kernel_size),
                  .strides = std::move(o.strides),
                  .padding = std::move(o.padding),
                  .data_format = std::move(o.data_format),
                  .dilation_rate = std::move(o.dilation_rate),
                  .activation = std::move(o.activation),
                  .use_bias = o.use_bias,
                  .kernel_initializer = std::move(kernel_initializer),
                  .bias_initializer = std::move(o.bias_initializer),
                  .kernel_regularizer = std::move(kernel_regularizer),
                  .bias_regularizer = std::move(o.bias_regularizer),
                  .activity_regularizer = std::move(o.activity_regularizer),
                  .kernel_constraint = std::move(kernel_constraint),
                  .bias_constraint = std::move(o.bias_constraint),
                  .common = {std::move(o.name), o.trainable, o.dtype}};
}

}  // namespace

ConvSpec conv_spec(int rank, int64_t filters, SpatialInts kernel_size, ConvOptions o) {
  ConvSpec s = shared_spec(ConvKind::conv, rank, filters, std::move(kernel_size), o,
                           o.kernel_initializer, o.kernel_regularizer, o.kernel_constraint);
  s.groups = o.groups;
  return s;
}

ConvSpec conv_transpose_spec(int rank, int64_t filters, SpatialInts kernel_size,
                             ConvTransposeOptions o) {
  ConvSpec s = shared_spec(ConvKind::transpose, rank, filters, std::move(kernel_size), o,
                           o.kernel_initializer, o.kernel_regularizer, o.kernel_constraint);
  s.output_padding = std::move(o.output_padding);
  return s;
}

ConvSpec depthwise_conv_spec(int rank, SpatialInts kernel_size, DepthwiseConvOptions o) {
  ConvSpec s =
      shared_spec(ConvKind::depthwise, rank, 0, std::move(kernel_size), o, o.depthwise_initializer,
                  o.depthwise_regularizer, o.depthwise_constraint);
  s.depth_multiplier = o.depth_multiplier;
  return s;
}

ConvSpec separable_conv_spec(int rank, int64_t filters, SpatialInts kernel_size,
                             SeparableConvOptions o) {
  ConvSpec s =
      shared_spec(ConvKind::separable, rank, filters, std::move(kernel_size), o,
                  o.depthwise_initializer, o.depthwise_regularizer, o.depthwise_constraint);
  s.depth_multiplier = o.depth_multiplier;
  s.pointwise_initializer = std::move(o.pointwise_initializer);
  s.pointwise_regularizer = std::move(o.pointwise_regularizer);
  s.pointwise_constraint = std::move(o.pointwise_constraint);
  return s;
}

ConvBase::ConvBase(std::string class_name, ConvSpec spec)
    : Layer(std::move(class_name), spec.common), spec_(std::move(spec)) {
  const std::string w = who();
  const int rank = spec_.rank;
  const ConvKind kind = spec_.kind;
  const bool has_filters = kind != ConvKind::depthwise;
  if (has_filters && spec_.filters < 1)
    throw ValueError(
        str(w, ": filters must be positive: expected filters >= 1, got ", spec_.filters, "."));
  if ((kind == ConvKind::depthwise || kind == ConvKind::separable) && spec_.depth_multiplier < 1)
    throw ValueError(str(w,
                         ": depth_multiplier must be positive: expected depth_multiplier >= 1, "
                         "got ",
                         spec_.depth_multiplier, "."));
  kernel_size_ = per_axis(spec_.kernel_size, rank, "kernel_size", 1, w);
  strides_ = per_axis(spec_.strides, rank, "strides", 1, w);
  dilation_rate_ = per_axis(spec_.dilation_rate, rank, "dilation_rate", 1, w);
  spec_.padding = lower(spec_.padding);
  const bool causal_ok = kind == ConvKind::conv && rank == 1;
  if (spec_.padding != "valid" && spec_.padding != "same" &&
      !(causal_ok && spec_.padding == "causal"))
    throw ValueError(str(w, ": padding must be ",
                         causal_ok ? "\"valid\", \"same\" or \"causal\"" : "\"valid\" or \"same\"",
                         ", got \"", spec_.padding, "\"."));
  const std::string format = lower(spec_.data_format);
  if (format == "channels_first")
    throw ValueError(str(w,
                         ": data_format \"channels_first\" is not supported: expected "
                         "\"channels_last\", got \"channels_first\". Permute the input to "
                         "(batch, ..., channels) instead."));
  if (format != "channels_last")
    throw ValueError(
        str(w, ": data_format must be \"channels_last\", got \"", spec_.data_format, "\"."));
  spec_.data_format = format;
  if (spec_.groups < 1)
    throw ValueError(
        str(w, ": groups must be positive: expected groups >= 1, got ", spec_.groups, "."));
  if (kind == ConvKind::conv && spec_.filters % spec_.groups != 0)
    throw ValueError(str(w, ": filters must be divisible by groups: expected a multiple of ",
                         spec_.groups, ", got filters ", spec_.filters, "."));
  if (*std::max_element(strides_.begin(), strides_.end()) > 1 &&
      *std::max_element(dilation_rate_.begin(), dilation_rate_.end()) > 1)
    throw ValueError(str(w,
                         ": strides > 1 is not supported with dilation_rate > 1 (as in Keras): "
                         "expected one of them all ones, got strides ",
                         Shape(strides_), " and dilation_rate ", Shape(dilation_rate_), "."));
  if (spec_.output_padding) {
    output_padding_ = per_axis(*spec_.output_padding, rank, "output_padding", 0, w);
    for (int i = 0; i < rank; ++i)
      if (output_padding_[i] >= strides_[i])
        throw ValueError(str(w,
                             ": output_padding must be smaller than strides: expected values "
                             "< ",
                             Shape(strides_), ", got ", Shape(output_padding_), "."));
  }
  activation_ = spec_.activation.empty() ? "linear" : spec_.activation;
  if (!is_activation(activation_))
    throw ValueError(str(w, ": unknown activation: expected one of ", activation_names(),
                         "; got \"", activation_, "\"."));
  kernel_initializer_ = spec_.kernel_initializer.get();
  pointwise_initializer_ = spec_.pointwise_initializer.get();
  bias_initializer_ = spec_.bias_initializer.get();
  if (!kernel_initializer_) kernel_initializer_ = get_initializer("glorot_uniform");
  if (!pointwise_initializer_) pointwise_initializer_ = get_initializer("glorot_uniform");
  if (!bias_initializer_) bias_initializer_ = get_initializer("zeros");
  kernel_regularizer_ = spec_.kernel_regularizer.get();
  pointwise_regularizer_ = spec_.pointwise_regularizer.get();
  bias_regularizer_ = spec_.bias_regularizer.get();
  kernel_constraint_ = spec_.kernel_constraint.get();
  pointwise_constraint_ = spec_.pointwise_constraint.get();
  bias_constraint_ = spec_.bias_constraint.get();
  activity_regularizer_ = spec_.activity_regularizer.get();
}

// ----- shapes -----

std::string ConvBase::shape_text(const Shape& shape) {
  std::string s = "(";
  for (int i = 0; i < shape.rank(); ++i)
    s += str(i ? ", " : "", shape[i] < 0 ? std::string("None") : std::to_string(shape[i]));
  return s + (shape.rank() == 1 ? ",)" : ")");
}

void ConvBase::check_rank(const Shape& shape) const {
  if (shape.rank() != spec_.rank + 2)
    throw ShapeError(str(who(), ": expected input of rank ", spec_.rank + 2, " ",
                         axes_text(spec_.rank), ", got rank ", shape.rank(), ": ",
                         shape_text(shape), "."));
}

int64_t ConvBase::output_size(int axis, int64_t n) const {
  if (n < 0) return -1;
  const int64_t k = kernel_size_[axis], s = strides_[axis], d = dilation_rate_[axis];
  const int64_t window = (k - 1) * d + 1;
  if (spec_.kind == ConvKind::transpose) {
    // Keras's compute_conv_transpose_output_shape.
    if (spec_.padding == "valid")
      return (n - 1) * s + window +
             (output_padding_.empty() ? std::max(window, s) - window : output_padding_[axis]);
    return output_padding_.empty() ? n * s : (n - 1) * s + window % 2 + output_padding_[axis];
  }
  if (spec_.padding == "valid") return conv_output_size(n, k, s, d, 0, 0);
  return (n + s - 1) / s;  // "same", and "causal" (window - 1 zeros before)
}

Shape ConvBase::compute_output_shape(const Shape& input_shape) {
  check_rank(input_shape);
  Shape out;
  out.push_back(input_shape[0]);
  bool fits = true;
  for (int i = 0; i < spec_.rank; ++i) {
    const int64_t n = output_size(i, input_shape[i + 1]);
    fits = fits && (n == -1 || n >= 1);
    out.push_back(n);
  }
  if (!fits) {
    Shape window, spatial;
    for (int i = 0; i < spec_.rank; ++i) {
      window.push_back((kernel_size_[i] - 1) * dilation_rate_[i] + 1);
      spatial.push_back(input_shape[i + 1]);
    }
    throw ShapeError(str(who(), ": the input is smaller than the kernel with padding \"",
                         spec_.padding, "\": expected spatial sizes >= ", window, " (kernel_size ",
                         Shape(kernel_size_), ", dilation_rate ", Shape(dilation_rate_), "), got ",
                         shape_text(spatial), " in input shape ", shape_text(input_shape),
                         ". Use padding=\"same\" or a smaller kernel_size."));
  }
  const int64_t in = input_shape.back();
  out.push_back(spec_.kind == ConvKind::depthwise ? (in < 0 ? -1 : in * spec_.depth_multiplier)
                                                  : spec_.filters);
  return out;
}

// ----- weights and forward -----

void ConvBase::build(const Shape& input_shape) {
  check_rank(input_shape);
  const int64_t in = input_shape.back();
  if (in < 1)
    throw ShapeError(str(who(),
                         ": the channels axis must be known: expected a positive size, "
                         "got ",
                         shape_text(input_shape), "."));
  if (in % spec_.groups != 0)
    throw ShapeError(str(who(),
                         ": input channels must be divisible by groups: expected a "
                         "multiple of ",
                         spec_.groups, ", got ", in, " channels in input shape ",
                         shape_text(input_shape), "."));
  compute_output_shape(input_shape);  // rejects inputs smaller than the kernel
  Shape k(kernel_size_);
  const int64_t dm = spec_.depth_multiplier;
  switch (spec_.kind) {
    case ConvKind::conv:
      k.push_back(in / spec_.groups), k.push_back(spec_.filters);
      break;
    case ConvKind::transpose:
      k.push_back(spec_.filters), k.push_back(in);
      break;
    case ConvKind::depthwise:
    case ConvKind::separable:
      k.push_back(in), k.push_back(dm);
      break;
  }
  const char* kernel_name = spec_.kind == ConvKind::separable ? "depthwise_kernel" : "kernel";
  kernel_ = add_weight(kernel_name, k, kernel_initializer_, true, kernel_regularizer_,
                       kernel_constraint_);
  if (spec_.kind == ConvKind::separable) {
    Shape p = Shape::filled(spec_.rank, 1);
    p.push_back(in * dm), p.push_back(spec_.filters);
    pointwise_kernel_ = add_weight("pointwise_kernel", p, pointwise_initializer_, true,
                                   pointwise_regularizer_, pointwise_constraint_);
  }
  if (spec_.use_bias) {
    const int64_t units = spec_.kind == ConvKind::depthwise ? in * dm : spec_.filters;
    bias_ =
        add_weight("bias", {units}, bias_initializer_, true, bias_regularizer_, bias_constraint_);
  }
  in_channels_ = in;
}

ConvGeometry ConvBase::geometry_for(const Shape& input_shape) const {
  ConvGeometry g{.strides = strides_, .dilation = dilation_rate_};
  for (int i = 0; i < spec_.rank; ++i) {
    const int64_t k = kernel_size_[i], s = strides_[i], d = dilation_rate_[i];
    // A transposed conv is padded as the conv that maps its output back to its input.
    const int64_t n =
        spec_.kind == ConvKind::transpose ? output_size(i, input_shape[i + 1]) : input_shape[i + 1];
    int64_t before = 0, after = 0;
    if (spec_.padding == "same") {
      std::tie(before, after) = same_padding(n, k, s, d);
    } else if (spec_.padding == "causal") {
      before = (k - 1) * d;
    }
    g.pads_before.push_back(before);
    g.pads_after.push_back(after);
  }
  if (spec_.kind == ConvKind::conv) g.groups = spec_.groups;
  return g;
}

Tensor ConvBase::apply_bias_activation(const Tensor& y) const {
  Tensor out = bias_ ? y + bias_->value : y;
  return activation_ == "linear" ? out : mz::activation(activation_, out);
}

Tensor ConvBase::call(const Tensor& x, bool /*training*/) {
  check_rank(x.shape());
  const Tensor& k = kernel_->value;
  if (x.shape().back() != in_channels_)
    throw ShapeError(str(who(), ": input channels differ from the build: expected ", in_channels_,
                         " (kernel ", k.shape(), "), got ", x.shape().back(), " in input shape ",
                         x.shape(), "."));
  const Shape out_shape = compute_output_shape(x.shape());
  ConvGeometry g = geometry_for(x.shape());
  const Tensor b = bias_ ? bias_->value : Tensor();
  Act act = Act::linear;
  const bool fused = fused_act(activation_, &act);
  Tensor y;
  switch (spec_.kind) {
    case ConvKind::conv:
      y = conv(x, k, g, b, act);
      break;
    case ConvKind::depthwise: {
      // (*k, in, dm) is the grouped kernel (*k, 1, in * dm) with in groups.
      Shape grouped(kernel_size_);
      grouped.push_back(1), grouped.push_back(in_channels_ * spec_.depth_multiplier);
      g.groups = in_channels_;
      y = conv(x, k.reshape(grouped), g, b, act);
      break;
    }
    case ConvKind::separable:
      y = conv(depthwise_conv(x, k, g), pointwise_kernel_->value, {}, b, act);
      break;
    case ConvKind::transpose: {
      // The output_padding that gives Keras's output size with this padding.
      std::vector<int64_t> op;
      for (int i = 0; i < spec_.rank; ++i) {
        const int64_t full =
            (x.shape()[i + 1] - 1) * strides_[i] + (kernel_size_[i] - 1) * dilation_rate_[i] + 1;
        op.push_back(out_shape[i + 1] - (full - g.pads_before[i] - g.pads_after[i]));
        if (op.back() < 0 || op.back() >= strides_[i])
          throw ShapeError(str(who(), ": no convolution maps an output of ", out_shape,
                               " back to the input ", x.shape(), " with padding \"", spec_.padding,
                               "\": expected output_padding in [0, strides ", Shape(strides_),
                               "), got ", Shape(op), " on spatial axis ", i,
                               ". Change output_padding."));
      }
      return apply_bias_activation(conv_transpose(x, k, g, op));
    }
  }
  return fused ? y : mz::activation(activation_, y);
}

// ----- config -----

Json ConvBase::config() const {
  Json c = Layer::config();
  const ConvKind kind = spec_.kind;
  const bool depthwise_names = kind == ConvKind::depthwise || kind == ConvKind::separable;
  const std::string kernel_key = depthwise_names ? "depthwise" : "kernel";
  if (depthwise_names) c["depth_multiplier"] = spec_.depth_multiplier;
  if (kind != ConvKind::depthwise) c["filters"] = spec_.filters;
  c["kernel_size"] = ints_json(kernel_size_);
  c["strides"] = ints_json(strides_);
  c["padding"] = spec_.padding;
  c["data_format"] = spec_.data_format;
  c["dilation_rate"] = ints_json(dilation_rate_);
  if (kind == ConvKind::conv) c["groups"] = spec_.groups;
  if (kind == ConvKind::transpose)
    c["output_padding"] = output_padding_.empty() ? Json(nullptr) : ints_json(output_padding_);
  c["activation"] = activation_;
  c["use_bias"] = spec_.use_bias;
  c[kernel_key + "_initializer"] = initializer_to_config(kernel_initializer_);
  c[kernel_key + "_regularizer"] = regularizer_to_config(kernel_regularizer_);
  c[kernel_key + "_constraint"] = constraint_to_config(kernel_constraint_);
  if (kind == ConvKind::separable) {
    c["pointwise_initializer"] = initializer_to_config(pointwise_initializer_);
    c["pointwise_regularizer"] = regularizer_to_config(pointwise_regularizer_);
    c["pointwise_constraint"] = constraint_to_config(pointwise_constraint_);
  }
  c["bias_initializer"] = initializer_to_config(bias_initializer_);
  c["bias_regularizer"] = regularizer_to_config(bias_regularizer_);
  c["bias_constraint"] = constraint_to_config(bias_constraint_);
  c["activity_regularizer"] = regularizer_to_config(activity_regularizer_);
  return c;
}

ConvSpec ConvBase::spec_from_config(ConvKind kind, int rank, const Json& config,
                                    const std::string& who) {
  const bool has_filters = kind != ConvKind::depthwise;
  if (!config.is_object() || !config.contains("kernel_size") ||
      (has_filters && !config.contains("filters")))
    throw ValueError(str(who, ": config needs ", has_filters ? "\"filters\" and " : "",
                         "\"kernel_size\", got ", config.dump(), "."));
  const bool depthwise_names = kind == ConvKind::depthwise || kind == ConvKind::separable;
  const std::string k = depthwise_names ? "depthwise" : "kernel";
  auto get = [&](const std::string& key) {
    return config.contains(key) ? config[key] : Json(nullptr);
  };
  auto init = [&](const std::string& key, const char* fallback) -> InitializerSpec {
    const Json v = get(key);
    return v.is_null() ? get_initializer(fallback) : initializer_from_config(v);
  };
  ConvSpec s;
  s.kind = kind;
  s.rank = rank;
  s.filters = has_filters ? config_get<int64_t>(config, "filters", 0, who) : 0;
  s.depth_multiplier = config_get<int64_t>(config, "depth_multiplier", 1, who);
  s.kernel_size = ints_from_config(config, "kernel_size", 1, who);
  s.strides = ints_from_config(config, "strides", 1, who);
  s.padding = config_get<std::string>(config, "padding", "valid", who);
  s.data_format = config_get<std::string>(config, "data_format", "channels_last", who);
  s.dilation_rate = ints_from_config(config, "dilation_rate", 1, who);
  s.groups = config_get<int64_t>(config, "groups", 1, who);
  if (config.contains("output_padding") && !config["output_padding"].is_null())
    s.output_padding = ints_from_config(config, "output_padding", 0, who);
  s.activation = activation_from_config(get("activation"), who);
  s.use_bias = config_get(config, "use_bias", true, who);
  s.kernel_initializer = init(k + "_initializer", "glorot_uniform");
  s.pointwise_initializer = init("pointwise_initializer", "glorot_uniform");
  s.bias_initializer = init("bias_initializer", "zeros");
  s.kernel_regularizer = regularizer_from_config(get(k + "_regularizer"));
  s.pointwise_regularizer = regularizer_from_config(get("pointwise_regularizer"));
  s.bias_regularizer = regularizer_from_config(get("bias_regularizer"));
  s.activity_regularizer = regularizer_from_config(get("activity_regularizer"));
  s.kernel_constraint = constraint_from_config(get(k + "_constraint"));
  s.pointwise_constraint = constraint_from_config(get("pointwise_constraint"));
  s.bias_constraint = constraint_from_config(get("bias_constraint"));
  s.common = layer_common_from_config(config, who);
  return s;
}

}  // namespace mz::layers
