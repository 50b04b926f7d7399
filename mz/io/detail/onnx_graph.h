// Internal to the ONNX exporter (io/onnx_export.cpp, io/onnx_layers.cpp): the graph builder
// (fresh names, nodes, attributes, initializers, lazy layout transposes) and the per-layer
// converter. Only compiled when libonnx is found; includes the ONNX protobuf headers.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "mz/core/shape.h"
#include "mz/core/tensor.h"
#include "mz/nn/layer.h"

namespace mz::io::onnx_detail {

// A Keras tensor in the ONNX graph. `last` names it in Keras's layout (channels last); `first`
// names the same data channels first, (N, C, spatial...), as Conv/Pool/BatchNormalization
// want it. Either may be empty; Builder::last/first make the missing one with a Transpose.
struct Value {
  std::string last, first;
  Shape shape;  // Keras's shape, batch -1
  int32_t elem_type = onnx::TensorProto::FLOAT;
};

// A node just made and its (first) output.
struct Made {
  onnx::NodeProto* node;
  std::string out;
};

// Adds nodes and initializers to one GraphProto, naming every value uniquely.
class Builder {
 public:
  explicit Builder(onnx::GraphProto* graph) : g_(graph) {}

  // `base`, or base_1, base_2, ...: a name not used yet (values, initializers, inputs).
  std::string fresh(const std::string& base);
  // A node `op` on `inputs` ("" for an omitted optional input) with n_outputs fresh outputs
  // named after `base`.
  Made make(const std::string& op, const std::vector<std::string>& inputs, const std::string& base,
            int n_outputs = 1);
  // A float32 initializer holding t (any dtype, converted), dims t's shape.
  std::string weight(const std::string& base, const Tensor& t);
  // A float32 initializer from values with the given dims.
  std::string weight(const std::string& base, const std::vector<int64_t>& dims,
                     const std::vector<float>& values);
  // A 1-D int64 initializer (shapes, axes).
  std::string ints(const std::string& base, const std::vector<int64_t>& values);
  // A float32 scalar initializer.
  std::string scalar(const std::string& base, float value);

  // v in Keras's layout (made from v.first by a Transpose when missing).
  const std::string& last(Value& v);
  // v channels first (made from v.last by a Transpose when missing); rank >= 3.
  const std::string& first(Value& v);
  // v as float32 (a Cast for integer inputs); the result has only `last`.
  Value as_float(Value v, const std::string& base);

  onnx::GraphProto* graph() { return g_; }

 private:
  onnx::GraphProto* g_;
  std::set<std::string> used_;
};

void attr_i(onnx::NodeProto* n, const char* name, int64_t v);
void attr_f(onnx::NodeProto* n, const char* name, float v);
void attr_s(onnx::NodeProto* n, const char* name, const std::string& v);
void attr_ints(onnx::NodeProto* n, const char* name, const std::vector<int64_t>& v);
void attr_strs(onnx::NodeProto* n, const char* name, const std::vector<std::string>& v);

// The layer's outputs for inputs xs: its nodes added through b. `who` prefixes messages
// ("save_onnx"). Throws ValueError naming the layer and its class for an unsupported layer or
// option.
std::vector<Value> convert_layer(Builder& b, Layer& layer, std::vector<Value> xs,
                                 const std::string& who);

}  // namespace mz::io::onnx_detail
