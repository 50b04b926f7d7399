// The ONNX exporter's graph builder and one converter per Keras layer family (Keras → ONNX
// mapping rules of specs/formats.md A2.3: NHWC↔NCHW Transposes, kernel permutations, "same"
// pads, LSTM gate order). Built only with libonnx (MZ_HAVE_ONNX); onnx_export.cpp drives it.
#if MZ_HAVE_ONNX

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <map>

#include "mz/core/error.h"
#include "mz/io/detail/onnx_graph.h"

namespace mz::io::onnx_detail {

using onnx::AttributeProto;
using onnx::NodeProto;
using onnx::TensorProto;

// ----- builder -----

std::string Builder::fresh(const std::string& base) {
  std::string name = base;
  for (int k = 1; !used_.insert(name).second; ++k) name = base + "_" + std::to_string(k);
  return name;
}

Made Builder::make(const std::string& op, const std::vector<std::string>& inputs,
                   const std::string& base, int n_outputs) {
  NodeProto* n = g_->add_node();
  n->set_op_type(op);
  for (const auto& in : inputs) n->add_input(in);
  std::string first_out;
  for (int i = 0; i < n_outputs; ++i) {
    std::string out = fresh(i == 0 ? base : base + "_out" + std::to_string(i));
    if (i == 0) first_out = out;
    n->add_output(out);
  }
  n->set_name(first_out);
  return {n, first_out};
}

std::string Builder::weight(const std::string& base, const std::vector<int64_t>& dims,
                            const std::vector<float>& values) {
  TensorProto* t = g_->add_initializer();
  std::string name = fresh(base);
  t->set_name(name);
  t->set_data_type(TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  // raw_data: packed little-endian float32, row-major (x86 and arm64 are little-endian).
  std::string raw(values.size() * sizeof(float), '\0');
  if (!values.empty()) std::memcpy(raw.data(), values.data(), raw.size());
  t->set_raw_data(std::move(raw));
  return name;
}

std::string Builder::weight(const std::string& base, const Tensor& t) {
  return weight(base, t.shape().vec(), t.contiguous().to_vector<float>());
}

std::string Builder::ints(const std::string& base, const std::vector<int64_t>& values) {
  TensorProto* t = g_->add_initializer();
  std::string name = fresh(base);
  t->set_name(name);
  t->set_data_type(TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t->add_int64_data(v);
  return name;
}

std::string Builder::scalar(const std::string& base, float value) {
  return weight(base, {}, {value});
}

namespace {

// (0, r-1, 1, ..., r-2): channels last -> channels first; and its inverse.
std::vector<int64_t> to_first_perm(int r) {
  std::vector<int64_t> p{0, r - 1};
  for (int i = 1; i < r - 1; ++i) p.push_back(i);
  return p;
}
std::vector<int64_t> to_last_perm(int r) {
  std::vector<int64_t> p{0};
  for (int i = 2; i < r; ++i) p.push_back(i);
  p.push_back(1);
  return p;
}

}  // namespace

const std::string& Builder::last(Value& v) {
  if (v.last.empty()) {
    Made m = make("Transpose", {v.first}, v.first + "/to_channels_last");
    attr_ints(m.node, "perm", to_last_perm(v.shape.rank()));
    v.last = m.out;
  }
  return v.last;
}

const std::string& Builder::first(Value& v) {
  if (v.first.empty()) {
    Made m = make("Transpose", {v.last}, v.last + "/to_channels_first");
    attr_ints(m.node, "perm", to_first_perm(v.shape.rank()));
    v.first = m.out;
  }
  return v.first;
}

Value Builder::as_float(Value v, const std::string& base) {
  if (v.elem_type == TensorProto::FLOAT) return v;
  Made m = make("Cast", {last(v)}, base + "/Cast");
  attr_i(m.node, "to", TensorProto::FLOAT);
  return {m.out, "", v.shape, TensorProto::FLOAT};
}

namespace {
AttributeProto* add_attr(NodeProto* n, const char* name, AttributeProto::AttributeType type) {
  AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(type);
  return a;
}
}  // namespace

void attr_i(NodeProto* n, const char* name, int64_t v) {
  add_attr(n, name, AttributeProto::INT)->set_i(v);
}
void attr_f(NodeProto* n, const char* name, float v) {
  add_attr(n, name, AttributeProto::FLOAT)->set_f(v);
}
void attr_s(NodeProto* n, const char* name, const std::string& v) {
  add_attr(n, name, AttributeProto::STRING)->set_s(v);
}
void attr_ints(NodeProto* n, const char* name, const std::vector<int64_t>& v) {
  AttributeProto* a = add_attr(n, name, AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
void attr_strs(NodeProto* n, const char* name, const std::vector<std::string>& v) {
  AttributeProto* a = add_attr(n, name, AttributeProto::STRINGS);
  for (const auto& x : v) a->add_strings(x);
}

namespace {

// ----- shared pieces of the converters -----

// Everything a converter needs about the layer it converts.
struct Ctx {
  Builder& b;
  Layer& layer;
  Json config;
  std::string who;   // "save_onnx: Conv2D 'conv2d'"
  std::string base;  // node name prefix: the layer name
  std::vector<Shape> out_shapes;
};

// The layer's weight named `name` ("kernel"), or an undefined tensor.
Tensor weight_of(const Layer& layer, const std::string& name) {
  for (const auto& v : layer.weights())
    if (v->name == name) return v->value;
  return {};
}

// The weight, or ValueError when the layer has none by that name (not built).
Tensor need_weight(const Ctx& c, const std::string& name) {
  Tensor t = weight_of(c.layer, name);
  if (!t.defined())
    throw ValueError(
        str(c.who, ": the layer has no weight \"", name, "\": expected a built layer."));
  return t;
}

std::string act_name(const Json& a) {
  if (a.is_null()) return "linear";
  if (a.is_string()) return a.get<std::string>();
  if (a.is_object() && a.contains("config") && a["config"].is_string())
    return a["config"].get<std::string>();
  if (a.is_object() && a.contains("config") && a["config"].is_object() &&
      a["config"].contains("name"))
    return a["config"]["name"].get<std::string>();
  return a.dump();
}

std::vector<int64_t> ints_of(const Json& j, size_t n, int64_t fallback) {
  if (j.is_null()) return std::vector<int64_t>(n, fallback);
  if (j.is_number()) return std::vector<int64_t>(n, j.get<int64_t>());
  std::vector<int64_t> v = j.get<std::vector<int64_t>>();
  if (v.size() == 1 && n > 1) v.assign(n, v[0]);
  return v;
}

Json cfg(const Ctx& c, const char* key, Json fallback = nullptr) {
  return c.config.contains(key) && !c.config[key].is_null() ? c.config[key] : fallback;
}

// Applies a Keras activation by name to x (a name in the graph).
std::string activation(Ctx& c, const std::string& act, const std::string& x) {
  Builder& b = c.b;
  static const std::map<std::string, std::string>
      kUnary = {{"relu", "Relu"},         {"sigmoid", "Sigmoid"},   {"tanh", "Tanh"},
                {"softplus", "Softplus"}, {"softsign", "Softsign"}, {"exponential", "Exp"},
                {"selu", "Selu"}};  // ONNX Selu's defaults are Keras's constants as float32
  if (act == "linear" || act.empty()) return x;
  const std::string base = c.base + "/" + act;
  if (auto it = kUnary.find(act); it != kUnary.end()) return b.make(it->second, {x}, base).out;
  if (act == "softmax" || act == "log_softmax") {
    Made m = b.make(act == "softmax" ? "Softmax" : "LogSoftmax", {x}, base);
    attr_i(m.node, "axis", -1);
    return m.out;
  }
  if (act == "elu") {
    Made m = b.make("Elu", {x}, base);
    attr_f(m.node, "alpha", 1.0f);
    return m.out;
  }
  if (act == "leaky_relu") {  // Keras 3's activations.leaky_relu: negative_slope 0.2
    Made m = b.make("LeakyRelu", {x}, base);
    attr_f(m.node, "alpha", 0.2f);
    return m.out;
  }
  if (act == "hard_sigmoid") {  // Keras 3: clip(x / 6 + 0.5, 0, 1)
    Made m = b.make("HardSigmoid", {x}, base);
    attr_f(m.node, "alpha", 1.0f / 6.0f);
    attr_f(m.node, "beta", 0.5f);
    return m.out;
  }
  if (act == "relu6")
    return b.make("Clip", {x, b.scalar(base + "/min", 0.0f), b.scalar(base + "/max", 6.0f)}, base)
        .out;
  if (act == "silu" || act == "swish")
    return b.make("Mul", {x, b.make("Sigmoid", {x}, base + "/Sigmoid").out}, base).out;
  if (act == "gelu") {  // exact: 0.5 x (1 + erf(x / sqrt 2)); ONNX Gelu needs opset 20
    std::string s =
        b.make("Div", {x, b.scalar(base + "/sqrt2", 1.41421356237309504880f)}, base + "/Div").out;
    s = b.make("Erf", {s}, base + "/Erf").out;
    s = b.make("Add", {s, b.scalar(base + "/one", 1.0f)}, base + "/Add").out;
    s = b.make("Mul", {x, s}, base + "/Mul").out;
    return b.make("Mul", {s, b.scalar(base + "/half", 0.5f)}, base).out;
  }
  throw ValueError(str(c.who, ": activation \"", act,
                       "\" has no ONNX form: expected one of linear, relu, relu6, leaky_relu, elu, "
                       "selu, gelu, sigmoid, hard_sigmoid, tanh, softplus, softsign, silu, swish, "
                       "exponential, softmax, log_softmax."));
}

// The activation on v: element-wise ones in whichever layout v has, softmax channels last.
Value activate(Ctx& c, const std::string& act, Value v) {
  if (act == "linear" || act.empty()) return v;
  if (act == "softmax" || act == "log_softmax" || v.first.empty())
    return {activation(c, act, c.b.last(v)), "", v.shape};
  return {"", activation(c, act, v.first), v.shape};
}

// ONNX pads [begins..., ends...] for Keras padding over spatial dims `in`.
std::vector<int64_t> pads_for(const Ctx& c, const std::string& padding,
                              const std::vector<int64_t>& in, const std::vector<int64_t>& k,
                              const std::vector<int64_t>& s, const std::vector<int64_t>& d) {
  const size_t n = in.size();
  std::vector<int64_t> pads(2 * n, 0);
  if (padding == "valid") return pads;
  for (size_t i = 0; i < n; ++i) {
    const int64_t eff = (k[i] - 1) * d[i] + 1;
    if (padding == "causal") {
      pads[i] = eff - 1;
    } else if (padding == "same") {
      if (in[i] < 0)
        throw ValueError(str(c.who,
                             ": padding \"same\" needs a known spatial size: expected "
                             "fixed input dimensions, got None."));
      const int64_t out = (in[i] + s[i] - 1) / s[i];
      const int64_t total = std::max<int64_t>((out - 1) * s[i] + eff - in[i], 0);
      pads[i] = total / 2;
      pads[n + i] = total - total / 2;
    } else {
      throw ValueError(str(c.who, ": padding \"", padding,
                           "\" has no ONNX form: expected \"valid\", \"same\" or \"causal\"."));
    }
  }
  return pads;
}

void need_channels_last(const Ctx& c) {
  std::string df = cfg(c, "data_format", "channels_last").get<std::string>();
  if (df != "channels_last")
    throw ValueError(
        str(c.who, ": data_format \"", df, "\" is not exported: expected \"channels_last\"."));
}

std::vector<int64_t> spatial(const Shape& s) {
  std::vector<int64_t> v;
  for (int i = 1; i < s.rank() - 1; ++i) v.push_back(s[i]);
  return v;
}

// ----- converters -----

Value dense(Ctx& c, Value x) {
  Builder& b = c.b;
  std::string w = b.weight(c.base + "/kernel", need_weight(c, "kernel"));
  Tensor bias = weight_of(c.layer, "bias");
  std::string y;
  if (x.shape.rank() == 2) {
    std::vector<std::string> ins{b.last(x), w};
    if (bias.defined()) ins.push_back(b.weight(c.base + "/bias", bias));
    y = b.make("Gemm", ins, c.base + "/Gemm").out;
  } else {
    y = b.make("MatMul", {b.last(x), w}, c.base + "/MatMul").out;
    if (bias.defined())
      y = b.make("Add", {y, b.weight(c.base + "/bias", bias)}, c.base + "/Add").out;
  }
  return activate(c, act_name(cfg(c, "activation")), {y, "", c.out_shapes[0]});
}

Value conv(Ctx& c, Value x, int nd) {
  need_channels_last(c);
  Builder& b = c.b;
  std::vector<int64_t> k = ints_of(cfg(c, "kernel_size"), nd, 1);
  std::vector<int64_t> s = ints_of(cfg(c, "strides"), nd, 1);
  std::vector<int64_t> d = ints_of(cfg(c, "dilation_rate"), nd, 1);
  std::string padding = cfg(c, "padding", "valid").get<std::string>();
  // Keras kernel (k..., in/groups, out) -> ONNX (out, in/groups, k...).
  std::vector<int> perm{nd + 1, nd};
  for (int i = 0; i < nd; ++i) perm.push_back(i);
  std::vector<std::string> ins{
      b.first(x), b.weight(c.base + "/kernel", need_weight(c, "kernel").permute(perm))};
  Tensor bias = weight_of(c.layer, "bias");
  if (bias.defined()) ins.push_back(b.weight(c.base + "/bias", bias));
  Made m = b.make("Conv", ins, c.base + "/Conv");
  attr_ints(m.node, "kernel_shape", k);
  attr_ints(m.node, "strides", s);
  attr_ints(m.node, "dilations", d);
  attr_ints(m.node, "pads", pads_for(c, padding, spatial(x.shape), k, s, d));
  attr_i(m.node, "group", cfg(c, "groups", 1).get<int64_t>());
  return activate(c, act_name(cfg(c, "activation")), {"", m.out, c.out_shapes[0]});
}

Value pool(Ctx& c, Value x, int nd, bool max) {
  need_channels_last(c);
  std::vector<int64_t> k = ints_of(cfg(c, "pool_size"), nd, 2);
  std::vector<int64_t> s = ints_of(cfg(c, "strides"), nd, 0);
  if (s[0] == 0) s = k;
  std::string padding = cfg(c, "padding", "valid").get<std::string>();
  // NOTE: AveragePool's default count_include_pad=0 averages over real pixels only, as Keras.
  Made m = c.b.make(max ? "MaxPool" : "AveragePool", {c.b.first(x)},
                    c.base + (max ? "/MaxPool" : "/AveragePool"));
  attr_ints(m.node, "kernel_shape", k);
  attr_ints(m.node, "strides", s);
  attr_ints(m.node, "pads",
            pads_for(c, padding, spatial(x.shape), k, s, std::vector<int64_t>(nd, 1)));
  return {"", m.out, c.out_shapes[0]};
}

Value global_pool(Ctx& c, Value x, bool max) {
  need_channels_last(c);
  const bool keepdims = cfg(c, "keepdims", false).get<bool>();
  const int r = x.shape.rank();
  const bool use_first = x.last.empty();  // reduce where the data already is
  std::vector<int64_t> axes;
  for (int i = use_first ? 2 : 1; i < (use_first ? r : r - 1); ++i) axes.push_back(i);
  Made m = c.b.make(max ? "ReduceMax" : "ReduceMean", {use_first ? x.first : x.last},
                    c.base + (max ? "/ReduceMax" : "/ReduceMean"));
  attr_ints(m.node, "axes", axes);
  attr_i(m.node, "keepdims", keepdims ? 1 : 0);
  // (N, C) is the same in both layouts; with keepdims the result keeps x's layout.
  if (use_first && keepdims) return {"", m.out, c.out_shapes[0]};
  return {m.out, "", c.out_shapes[0]};
}

Value batch_norm(Ctx& c, Value x) {
  Builder& b = c.b;
  const int r = x.shape.rank();
  Json a = cfg(c, "axis", -1);
  if (a.is_array()) {
    if (a.size() != 1)
      throw ValueError(str(c.who, ": axis ", a.dump(), " is not exported: expected one axis."));
    a = a[0];
  }
  int axis = a.get<int>();
  if (axis < 0) axis += r;
  std::string in;
  bool out_first = false;
  if (axis == 1) {
    in = b.last(x);  // channels already at axis 1 (also (N, C) inputs)
  } else if (axis == r - 1) {
    in = b.first(x);
    out_first = true;
  } else {
    throw ValueError(str(c.who, ": axis ", axis, " is not exported: expected 1 or ", r - 1, "."));
  }
  Tensor mean = need_weight(c, "moving_mean"), var = need_weight(c, "moving_variance");
  const int64_t ch = mean.numel();
  Tensor gamma = weight_of(c.layer, "gamma"), beta = weight_of(c.layer, "beta");
  std::string g = gamma.defined() ? b.weight(c.base + "/gamma", gamma)
                                  : b.weight(c.base + "/gamma", {ch}, std::vector<float>(ch, 1.f));
  std::string be = beta.defined() ? b.weight(c.base + "/beta", beta)
                                  : b.weight(c.base + "/beta", {ch}, std::vector<float>(ch, 0.f));
  Made m = b.make("BatchNormalization",
                  {in, g, be, b.weight(c.base + "/moving_mean", mean),
                   b.weight(c.base + "/moving_variance", var)},
                  c.base + "/BatchNormalization");
  attr_f(m.node, "epsilon", cfg(c, "epsilon", 1e-3).get<float>());
  if (out_first) return {"", m.out, c.out_shapes[0]};
  return {m.out, "", c.out_shapes[0]};
}

Value layer_norm(Ctx& c, Value x) {
  Builder& b = c.b;
  const int r = x.shape.rank();
  if (cfg(c, "rms_scaling", false).get<bool>())
    throw ValueError(str(c.who, ": rms_scaling=True is not exported: expected False."));
  Json a = cfg(c, "axis", -1);
  std::vector<int> axes = a.is_array() ? a.get<std::vector<int>>() : std::vector<int>{a.get<int>()};
  for (int& ax : axes) ax = ax < 0 ? ax + r : ax;
  std::sort(axes.begin(), axes.end());
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != r - static_cast<int>(axes.size()) + static_cast<int>(i))
      throw ValueError(str(c.who, ": axis ", a.dump(),
                           " is not exported: expected the last axes of the input."));
  std::vector<int64_t> norm_dims;
  for (int ax : axes) norm_dims.push_back(x.shape[ax]);
  int64_t n = 1;
  for (int64_t d : norm_dims) n *= d;
  Tensor gamma = weight_of(c.layer, "gamma"), beta = weight_of(c.layer, "beta");
  std::vector<std::string> ins{b.last(x)};
  ins.push_back(gamma.defined()
                    ? b.weight(c.base + "/gamma", gamma)
                    : b.weight(c.base + "/gamma", norm_dims, std::vector<float>(n, 1.f)));
  if (beta.defined()) ins.push_back(b.weight(c.base + "/beta", beta));
  Made m = b.make("LayerNormalization", ins, c.base + "/LayerNormalization");
  attr_i(m.node, "axis", axes.front());
  attr_f(m.node, "epsilon", cfg(c, "epsilon", 1e-3).get<float>());
  return {m.out, "", c.out_shapes[0]};
}

Value identity(Ctx& c, Value x) {
  const bool first = x.last.empty();
  std::string y = c.b.make("Identity", {first ? x.first : x.last}, c.base + "/Identity").out;
  return first ? Value{"", y, c.out_shapes[0]} : Value{y, "", c.out_shapes[0]};
}

Value merge(Ctx& c, std::vector<Value> xs) {
  Builder& b = c.b;
  const std::string& cls = c.layer.class_name();
  static const std::map<std::string, std::string> kOps = {{"Add", "Sum"},      {"Average", "Mean"},
                                                          {"Maximum", "Max"},  {"Minimum", "Min"},
                                                          {"Multiply", "Mul"}, {"Subtract", "Sub"}};
  // Inputs that all exist channels first (conv branches) are merged there.
  bool first = xs[0].shape.rank() > 2;
  for (const auto& x : xs) first = first && !x.first.empty() && x.shape == xs[0].shape;
  std::vector<std::string> ins;
  for (auto& x : xs) ins.push_back(first ? x.first : b.last(x));
  const std::string& op = kOps.at(cls);
  std::string y = ins[0];
  if (op == "Mul") {
    for (size_t i = 1; i < ins.size(); ++i) y = b.make("Mul", {y, ins[i]}, c.base + "/Mul").out;
  } else {
    y = b.make(op, ins, c.base + "/" + op).out;
  }
  return first ? Value{"", y, c.out_shapes[0]} : Value{y, "", c.out_shapes[0]};
}

Value concatenate(Ctx& c, std::vector<Value> xs) {
  const int r = xs[0].shape.rank();
  int axis = cfg(c, "axis", -1).get<int>();
  if (axis < 0) axis += r;
  std::vector<std::string> ins;
  for (auto& x : xs) ins.push_back(c.b.last(x));
  Made m = c.b.make("Concat", ins, c.base + "/Concat");
  attr_i(m.node, "axis", axis);
  return {m.out, "", c.out_shapes[0]};
}

Value embedding(Ctx& c, Value x) {
  if (cfg(c, "mask_zero", false).get<bool>())
    throw ValueError(str(c.who,
                         ": mask_zero=True is not exported (ONNX has no masks): "
                         "expected mask_zero=False."));
  Builder& b = c.b;
  Made cast = b.make("Cast", {b.last(x)}, c.base + "/Cast");
  attr_i(cast.node, "to", TensorProto::INT64);
  Made m =
      b.make("Gather", {b.weight(c.base + "/embeddings", need_weight(c, "embeddings")), cast.out},
             c.base + "/Gather");
  attr_i(m.node, "axis", 0);
  return {m.out, "", c.out_shapes[0]};
}

Value rescaling(Ctx& c, Value x) {
  Builder& b = c.b;
  std::string y =
      b.make("Mul", {b.last(x), b.scalar(c.base + "/scale", cfg(c, "scale", 1.0).get<float>())},
             c.base + "/Mul")
          .out;
  y = b.make("Add", {y, b.scalar(c.base + "/offset", cfg(c, "offset", 0.0).get<float>())},
             c.base + "/Add")
          .out;
  return {y, "", c.out_shapes[0]};
}

// The ONNX name of an RNN gate activation.
std::string rnn_act(const Ctx& c, const std::string& act) {
  if (act == "sigmoid") return "Sigmoid";
  if (act == "tanh") return "Tanh";
  if (act == "relu") return "Relu";
  throw ValueError(str(c.who, ": activation \"", act,
                       "\" is not exported in a recurrent layer: expected sigmoid, tanh or relu."));
}

// Keras (rows, gates*h) with Keras's gate blocks -> ONNX (1, gates*h, rows), blocks in `order`.
std::vector<float> gates_t(const Tensor& w, int64_t h, const std::vector<int>& order) {
  const int64_t rows = w.size(0), cols = w.size(1);
  std::vector<float> src = w.contiguous().to_vector<float>(), dst(rows * cols);
  for (size_t g = 0; g < order.size(); ++g)
    for (int64_t j = 0; j < h; ++j)
      for (int64_t r = 0; r < rows; ++r)
        dst[(g * h + j) * rows + r] = src[r * cols + order[g] * h + j];
  return dst;
}

std::vector<float> reorder(const std::vector<float>& v, int64_t h, const std::vector<int>& order) {
  std::vector<float> out;
  for (int g : order) out.insert(out.end(), v.begin() + g * h, v.begin() + (g + 1) * h);
  return out;
}

// LSTM (gate order i, f, c, o -> ONNX i, o, f, c) and GRU (z, r, h, same in ONNX).
std::vector<Value> recurrent(Ctx& c, std::vector<Value> xs, bool lstm) {
  Builder& b = c.b;
  const int64_t h = cfg(c, "units").get<int64_t>();
  const int gates = lstm ? 4 : 3;
  const std::vector<int> order = lstm ? std::vector<int>{0, 3, 1, 2} : std::vector<int>{0, 1, 2};
  Tensor kernel = need_weight(c, "kernel"), rec = need_weight(c, "recurrent_kernel");
  const int64_t f = kernel.size(0);
  std::vector<float> bias(2 * gates * h, 0.f);
  bool reset_after = !lstm && cfg(c, "reset_after", true).get<bool>();
  if (Tensor bt = weight_of(c.layer, "bias"); bt.defined()) {
    std::vector<float> v = bt.contiguous().to_vector<float>();
    if (reset_after) {  // (2, 3h): input bias row, recurrent bias row
      std::copy(v.begin(), v.end(), bias.begin());
    } else {
      std::vector<float> r = reorder(v, h, order);
      std::copy(r.begin(), r.end(), bias.begin());
    }
  }
  Made tx = b.make("Transpose", {b.last(xs[0])}, c.base + "/time_major");
  attr_ints(tx.node, "perm", {1, 0, 2});
  std::vector<std::string> ins{
      tx.out, b.weight(c.base + "/W", {1, gates * h, f}, gates_t(kernel, h, order)),
      b.weight(c.base + "/R", {1, gates * h, h}, gates_t(rec, h, order)),
      b.weight(c.base + "/B", {1, 2 * gates * h}, bias), ""};
  for (size_t i = 1; i < xs.size(); ++i)  // initial states (batch, h) -> (1, batch, h)
    ins.push_back(b.make("Unsqueeze", {b.last(xs[i]), b.ints(c.base + "/axes0", {0})},
                         c.base + "/initial_state")
                      .out);
  if (ins.back().empty()) ins.pop_back();
  Made m = b.make(lstm ? "LSTM" : "GRU", ins, c.base + (lstm ? "/LSTM" : "/GRU"), lstm ? 3 : 2);
  attr_i(m.node, "hidden_size", h);
  const std::string act = rnn_act(c, act_name(cfg(c, "activation", "tanh")));
  const std::string rec_act = rnn_act(c, act_name(cfg(c, "recurrent_activation", "sigmoid")));
  attr_strs(
      m.node, "activations",
      lstm ? std::vector<std::string>{rec_act, act, act} : std::vector<std::string>{rec_act, act});
  if (!lstm) attr_i(m.node, "linear_before_reset", reset_after ? 1 : 0);
  const bool backwards = cfg(c, "go_backwards", false).get<bool>();
  if (backwards) attr_s(m.node, "direction", "reverse");

  const bool return_state = cfg(c, "return_state", false).get<bool>();
  // Y_h / Y_c (1, batch, h) -> (batch, h).
  auto state = [&](int i) {
    return Value{b.make("Squeeze", {m.node->output(1 + i), b.ints(c.base + "/axes0", {0})},
                        c.base + (i == 0 ? "/h" : "/c"))
                     .out,
                 "", Shape{-1, h}};
  };
  std::vector<Value> outs;
  if (cfg(c, "return_sequences", false).get<bool>()) {
    // Y (steps, 1, batch, h) -> (batch, steps, h).
    std::string y =
        b.make("Squeeze", {m.node->output(0), b.ints(c.base + "/axes1", {1})}, c.base + "/Squeeze")
            .out;
    if (backwards) {  // Keras returns the steps in processing order, ONNX in input order
      y = b.make("Slice",
                 {y, b.ints(c.base + "/starts", {-1}),
                  b.ints(c.base + "/ends", {std::numeric_limits<int64_t>::min()}),
                  b.ints(c.base + "/axes0", {0}), b.ints(c.base + "/steps", {-1})},
                 c.base + "/reverse")
              .out;
    }
    Made t = b.make("Transpose", {y}, c.base + "/batch_major");
    attr_ints(t.node, "perm", {1, 0, 2});
    outs.push_back({t.out, "", c.out_shapes[0]});
  }
  if (outs.empty() || return_state) {
    Value hv = state(0);
    if (outs.empty()) outs.push_back(hv);
    if (return_state) outs.push_back(hv);
  }
  if (return_state && lstm) outs.push_back(state(1));
  for (size_t i = 0; i < outs.size() && i < c.out_shapes.size(); ++i)
    outs[i].shape = c.out_shapes[i];
  return outs;
}

}  // namespace

std::vector<Value> convert_layer(Builder& b, Layer& layer, std::vector<Value> xs,
                                 const std::string& who) {
  const std::string& cls = layer.class_name();
  std::vector<Shape> in_shapes;
  for (const auto& x : xs) in_shapes.push_back(x.shape);
  Ctx c{b,
        layer,
        layer.config(),
        str(who, ": ", layer.who()),
        layer.name(),
        layer.compute_output_shapes(in_shapes)};
  if (cls != "Embedding")
    for (auto& x : xs) x = b.as_float(x, c.base);

  static const std::set<std::string> kIdentity = {
      "Dropout",       "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
      "GaussianNoise", "GaussianDropout",  "AlphaDropout",     "ActivityRegularization"};
  static const std::set<std::string> kMerge = {"Add",     "Subtract", "Multiply",
                                               "Average", "Maximum",  "Minimum"};
  if (cls == "Dense") return {dense(c, xs[0])};
  if (cls == "Conv1D") return {conv(c, xs[0], 1)};
  if (cls == "Conv2D") return {conv(c, xs[0], 2)};
  if (cls == "MaxPooling1D") return {pool(c, xs[0], 1, true)};
  if (cls == "MaxPooling2D") return {pool(c, xs[0], 2, true)};
  if (cls == "AveragePooling1D") return {pool(c, xs[0], 1, false)};
  if (cls == "AveragePooling2D") return {pool(c, xs[0], 2, false)};
  if (cls == "GlobalAveragePooling1D" || cls == "GlobalAveragePooling2D")
    return {global_pool(c, xs[0], false)};
  if (cls == "GlobalMaxPooling1D" || cls == "GlobalMaxPooling2D")
    return {global_pool(c, xs[0], true)};
  if (cls == "Flatten") {
    if (xs[0].shape.rank() > 2) need_channels_last(c);
    Made m = b.make("Flatten", {b.last(xs[0])}, c.base + "/Flatten");
    attr_i(m.node, "axis", 1);
    return {{m.out, "", c.out_shapes[0]}};
  }
  if (cls == "Reshape") {
    std::vector<int64_t> shape{0};
    for (int64_t d : cfg(c, "target_shape").get<std::vector<int64_t>>()) shape.push_back(d);
    return {
        {b.make("Reshape", {b.last(xs[0]), b.ints(c.base + "/shape", shape)}, c.base + "/Reshape")
             .out,
         "", c.out_shapes[0]}};
  }
  if (cls == "Permute") {
    std::vector<int64_t> perm{0};
    for (int64_t d : cfg(c, "dims").get<std::vector<int64_t>>()) perm.push_back(d);
    Made m = b.make("Transpose", {b.last(xs[0])}, c.base + "/Transpose");
    attr_ints(m.node, "perm", perm);
    return {{m.out, "", c.out_shapes[0]}};
  }
  if (cls == "Activation") return {activate(c, act_name(cfg(c, "activation")), xs[0])};
  if (cls == "BatchNormalization") return {batch_norm(c, xs[0])};
  if (cls == "LayerNormalization") return {layer_norm(c, xs[0])};
  if (kIdentity.count(cls)) return {identity(c, xs[0])};
  if (kMerge.count(cls)) return {merge(c, xs)};
  if (cls == "Concatenate") return {concatenate(c, xs)};
  if (cls == "Embedding") return {embedding(c, xs[0])};
  if (cls == "Rescaling") return {rescaling(c, xs[0])};
  if (cls == "LSTM" || cls == "GRU") return recurrent(c, xs, cls == "LSTM");
  throw ValueError(
      str(who, ": unsupported layer ", layer.who(),
          ": expected one of Activation, ActivityRegularization, Add, AlphaDropout, Average, "
          "AveragePooling1D, AveragePooling2D, BatchNormalization, Concatenate, Conv1D, Conv2D, "
          "Dense, Dropout, Embedding, Flatten, GRU, GaussianDropout, GaussianNoise, "
          "GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, "
          "LSTM, LayerNormalization, MaxPooling1D, MaxPooling2D, Maximum, Minimum, Multiply, "
          "Permute, Rescaling, Reshape, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, "
          "Subtract, got ",
          cls, "."));
}

}  // namespace mz::io::onnx_detail

#endif  // MZ_HAVE_ONNX
