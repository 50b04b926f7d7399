// ONNX export (specs/formats.md A2): a Sequential or functional model as one ModelProto at
// opset 17 / IR 8, Keras's NHWC layouts and LSTM gate order mapped, checked with onnx::checker.
// Needs libonnx-dev (and libprotobuf-dev); without them every call throws BackendError.
#pragma once

#include <string>

#include "mz/nn/model.h"

namespace mz {

// save_onnx's options.
struct OnnxExportOptions {
  // The operator set; only 17 is written (what Debian's onnx 1.12 checker and onnxruntime
  // both accept).
  int opset = 17;
  // ModelProto.producer_version; empty: merezha's version. Golden tests pin it.
  std::string producer_version{};
  // GraphProto.name; empty: the model's name.
  std::string graph_name{};
};

// The model as serialized ONNX bytes: graph inputs named after the Input layers (batch
// dimension "N", other dimensions fixed, Keras's channels-last layout), outputs named after
// the output tensors (Keras's names), weights as float32 initializers. Supported layers:
// Dense, Conv1D, Conv2D, MaxPooling1D/2D, AveragePooling1D/2D, GlobalAverage/MaxPooling1D/2D,
// Flatten, Reshape, Permute, BatchNormalization (inference), LayerNormalization, Dropout and
// the other noise layers (Identity), Activation (relu, sigmoid, tanh, softmax, log_softmax,
// elu, selu, gelu, silu/swish, softplus, softsign, relu6, leaky_relu, hard_sigmoid,
// exponential, linear), Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate,
// Embedding (mask_zero false), LSTM, GRU, Rescaling. The result passes onnx::checker and
// strict shape inference. Throws ValueError for an unbuilt or subclassed model, and for an
// unsupported layer or option, naming the layer and its class:
//   ValueError: save_onnx: unsupported layer Conv3D 'conv3d': expected one of Activation,
//     Add, ..., got Conv3D.
// BackendError when merezha was built without ONNX.
std::string onnx_model_bytes(const Model& model, const OnnxExportOptions& options = {});

// Writes onnx_model_bytes(model, options) to `path` atomically (temporary file, fsync,
// rename): the previous file stays until the new one is complete. Throws as
// onnx_model_bytes does (naming the path), and IoError when the file cannot be written.
void save_onnx(const Model& model, const std::string& path, const OnnxExportOptions& options = {});

}  // namespace mz
