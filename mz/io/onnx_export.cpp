// save_onnx / onnx_model_bytes: walks a Sequential or functional model in topological order,
// lets onnx_layers.cpp convert each layer, declares inputs and outputs, checks the result with
// onnx::checker plus strict shape inference and serializes it (specs/formats.md A2).
#include "mz/io/onnx_export.h"

#include <map>
#include <utility>

#include "mz/core/error.h"
#include "mz/io/file.h"

#if MZ_HAVE_ONNX
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include "mz/io/detail/onnx_graph.h"
#include "mz/nn/functional.h"
#endif

namespace mz {

#if MZ_HAVE_ONNX
namespace {

using io::onnx_detail::Builder;
using io::onnx_detail::Value;

constexpr int64_t kIrVersion = 8;  // the IR of opset 17

int32_t elem_type_of(DType dtype) {
  switch (dtype) {
    case DType::i32:
      return onnx::TensorProto::INT32;
    case DType::i64:
      return onnx::TensorProto::INT64;
    case DType::u8:
      return onnx::TensorProto::UINT8;
    default:
      return onnx::TensorProto::FLOAT;  // f64 models are exported in float32
  }
}

// A graph input or output: elem type and Keras shape (batch "N", other unknowns "d<i>").
void set_value_info(onnx::ValueInfoProto* info, const std::string& name, int32_t elem,
                    const Shape& shape) {
  info->set_name(name);
  auto* tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elem);
  auto* dims = tensor->mutable_shape();
  for (int i = 0; i < shape.rank(); ++i) {
    auto* d = dims->add_dim();
    if (i == 0)
      d->set_dim_param("N");
    else if (shape[i] < 0)
      d->set_dim_param("d" + std::to_string(i));
    else
      d->set_dim_value(shape[i]);
  }
}

// Declares a graph input named after its Input layer; returns its value.
Value add_input(Builder& b, const std::string& layer_name, DType dtype, const Shape& shape) {
  const std::string name = b.fresh(layer_name);
  set_value_info(b.graph()->add_input(), name, elem_type_of(dtype), shape);
  return {name, "", shape, elem_type_of(dtype)};
}

// Declares a graph output `name` (an Identity from the value, so names stay unique).
void add_output(Builder& b, Value v, const std::string& name) {
  const std::string out = b.fresh(name);
  io::onnx_detail::Made m = b.make("Identity", {b.last(v)}, out + "/Identity");
  m.node->set_output(0, out);
  set_value_info(b.graph()->add_output(), out, v.elem_type, v.shape);
}

// The values of a functional model's tensors, computed on demand (depth first from outputs).
class FunctionalWalk {
 public:
  FunctionalWalk(Builder& b, std::string who) : b_(b), who_(std::move(who)) {}

  void set_input(const KerasTensor& t, Value v) { values_[key(t)] = std::move(v); }

  Value value(const KerasTensor& t) {
    auto it = values_.find(key(t));
    if (it != values_.end()) return it->second;
    const auto& node = t.node();
    if (!node || node->layer->class_name() == "InputLayer")
      throw ValueError(str(who_, ": tensor '", t.name(),
                           "' comes from an Input that is not a model input: expected one of "
                           "the model's inputs."));
    std::vector<Value> ins;
    for (const auto& in : node->inputs) ins.push_back(value(in));
    std::vector<Value> outs = io::onnx_detail::convert_layer(b_, *node->layer, ins, who_);
    for (int i = 0; i < static_cast<int>(outs.size()); ++i) values_[{node.get(), i}] = outs[i];
    it = values_.find(key(t));
    MZ_ASSERT(it != values_.end(), "the layer made fewer outputs than the graph uses");
    return it->second;
  }

 private:
  static std::pair<const void*, int> key(const KerasTensor& t) {
    return {t.node().get(), t.output_index()};
  }
  Builder& b_;
  std::string who_;
  std::map<std::pair<const void*, int>, Value> values_;
};

// The Sequential's Input layer (name, dtype) from its config; defaults when it has none.
std::pair<std::string, DType> sequential_input(const Model& model) {
  const Json config = model.config();
  if (config.contains("layers") && !config["layers"].empty()) {
    const Json& first = config["layers"][0];
    if (first.value("class_name", "") == "InputLayer") {
      const Json& c = first["config"];
      DType dtype = DType::f32;
      if (c.contains("dtype") && c["dtype"].is_string()) {
        const std::string d = c["dtype"].get<std::string>();
        if (d == "int32") dtype = DType::i32;
        if (d == "int64") dtype = DType::i64;
        if (d == "uint8") dtype = DType::u8;
      }
      return {c.value("name", std::string("input_layer")), dtype};
    }
  }
  return {"input_layer", DType::f32};
}

onnx::ModelProto build_model(const Model& model, const OnnxExportOptions& options,
                             const std::string& who) {
  if (options.opset != 17)
    throw ValueError(str(who, ": opset ", options.opset, " is not written: expected 17."));
  onnx::ModelProto proto;
  proto.set_ir_version(kIrVersion);
  proto.set_producer_name("merezha");
  proto.set_producer_version(options.producer_version.empty() ? std::string(MZ_VERSION)
                                                              : options.producer_version);
  auto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(options.opset);
  onnx::GraphProto* graph = proto.mutable_graph();
  graph->set_name(options.graph_name.empty() ? model.name() : options.graph_name);
  Builder b(graph);

  if (const detail::Graph* g = model.graph()) {
    FunctionalWalk walk(b, who);
    for (const auto& t : g->inputs())
      walk.set_input(t, add_input(b, t.layer()->name(), t.dtype(), t.shape()));
    for (const auto& t : g->outputs()) add_output(b, walk.value(t), t.name());
  } else if (model.class_name() == "Sequential") {
    if (!model.built() || model.build_shapes().empty())
      throw ValueError(str(who, ": Sequential '", model.name(),
                           "' is not built: expected a model with an Input or built by a call."));
    auto [name, dtype] = sequential_input(model);
    Value v = add_input(b, name, dtype, model.build_shapes()[0]);
    std::string out_name = name;
    for (const auto& layer : model.layers()) {
      std::vector<Value> outs = io::onnx_detail::convert_layer(b, *layer, {v}, who);
      v = outs[0];
      out_name = layer->name();
    }
    add_output(b, v, out_name);
  } else {
    throw ValueError(str(who, ": ", model.who(),
                         " is a subclassed model: expected a Sequential or functional model."));
  }

  // NOTE: only our own graph reaches libonnx's shape inference (it over-reads on hostile
  // models, specs/formats.md A2.7); a failure here is a bug in the exporter.
  try {
    onnx::checker::check_model(proto);
    onnx::ModelProto inferred = proto;
    onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(true, 1, false));
  } catch (const std::exception& e) {
    throw InternalError(str(who, ": the exported graph fails onnx::checker: ", e.what(),
                            " (this is a bug in merezha; please report it)."));
  }
  return proto;
}

}  // namespace
#endif

std::string onnx_model_bytes(const Model& model, const OnnxExportOptions& options) {
#if MZ_HAVE_ONNX
  onnx::ModelProto proto = build_model(model, options, "save_onnx");
  std::string bytes;
  if (!proto.SerializeToString(&bytes))
    throw ValueError(
        str("save_onnx: the model does not serialize: expected at most 2 GiB of "
            "weights, got ",
            proto.ByteSizeLong(), " bytes."));
  return bytes;
#else
  (void)model;
  (void)options;
  throw BackendError("save_onnx: merezha was built without ONNX (install libonnx-dev).");
#endif
}

void save_onnx(const Model& model, const std::string& path, const OnnxExportOptions& options) {
  const std::string who = io::detail::who_file("save_onnx", path);
#if MZ_HAVE_ONNX
  onnx::ModelProto proto = build_model(model, options, who);
  std::string bytes;
  if (!proto.SerializeToString(&bytes))
    throw ValueError(str(who,
                         ": the model does not serialize: expected at most 2 GiB of "
                         "weights, got ",
                         proto.ByteSizeLong(), " bytes."));
  io::detail::write_file_atomic(path, {{bytes.data(), bytes.size()}}, who);
#else
  (void)model;
  (void)options;
  throw BackendError(str(who, ": merezha was built without ONNX (install libonnx-dev)."));
#endif
}

}  // namespace mz
