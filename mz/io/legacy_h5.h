// Legacy Keras `.h5` model files (what tf.keras 2 and Keras 3's model.save("m.h5") write,
// formats.md A1.5): model_config / training_config JSON attributes converted to what
// Model::from_config reads, and the model_weights / optimizer_weights groups. load_model
// (keras_file.h) dispatches here for a path ending in ".h5" (not ".weights.h5").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/core/tensor.h"
#include "mz/nn/config.h"
#include "mz/nn/model.h"

namespace mz {

// A legacy model_config ({"class_name", "config"}, Keras 2 or Keras 3 schema) as the envelope
// Model::from_config reads: "Model" becomes "Functional", a Sequential's first layer with
// "batch_input_shape" gets an InputLayer before it, InputLayer's "batch_input_shape" becomes
// "batch_shape", "Custom>" prefixes are dropped, an old Sequential given as a bare layer list
// gets its "layers" key. Throws FormatError "<who>: ..." when it is not such an object.
Json legacy_model_config(const Json& model_config, const std::string& who);

// A legacy training_config (loss, metrics, loss_weights, optimizer_config) as Keras 3's
// compile_config ("optimizer" envelope); Keras 2 optimizer keys that Keras 3 dropped
// ("decay" of 0, "is_legacy_optimizer") are removed. Null stays null.
Json legacy_compile_config(const Json& training_config, const std::string& who);

namespace io::detail {

// What a legacy .h5 file holds, read and checked but not yet applied to a model.
struct LegacyH5 {
  std::string keras_version;  // root attribute "keras_version" ("" when absent)
  Json config;                // legacy_model_config of "model_config"
  Json compile_config;        // legacy_compile_config of "training_config" (null if absent)
  struct LayerWeights {
    std::string layer;               // the layer's name (a "layer_names" entry)
    std::vector<std::string> names;  // its "weight_names"
    std::vector<Tensor> values;      // the datasets, in weight_names order
  };
  std::vector<LayerWeights> layers;          // layers with weights, in layer_names order
  std::vector<std::string> optimizer_names;  // optimizer_weights "weight_names"
  std::vector<Tensor> optimizer_values;      // in that order (Keras 3: iteration, rate, slots)
};

// Reads a legacy .h5 file image. String attributes (variable-length UTF-8, as h5py writes
// them, or fixed-length; "layer_names0", "layer_names1", ... chunks are joined) are read in a
// child process, so a crafted file that crashes libhdf5 gives an error, not a crash. Throws
// FormatError "<who>: <object path>: ..." for a file that is not a legacy Keras model file,
// missing groups, datasets or attributes, and what read_h5 refuses; IoError when the child
// process cannot be started.
LegacyH5 read_legacy_h5(const std::vector<uint8_t>& image, const std::string& who);

// Copies the weights of `file` into `model` by position, as Keras does: the model's layers
// that have weights, in order, against the file's layers with weights, each layer's
// trainable then non-trainable variables against its weight_names. Throws FormatError naming
// the file, the layer and the weight on a count or shape mismatch.
void assign_legacy_weights(Model& model, const LegacyH5& file, const std::string& who);

// A legacy compile_config's inverse: Keras 3's compile_config as a training_config ("optimizer"
// envelope -> "optimizer_config" {class_name, config}); null when there is none.
Json legacy_training_config(const Json& compile_config);

// A legacy .h5 file image as Keras 3's model.save("m.h5") writes it: root attributes
// keras_version, backend, model_config (the {"class_name", "config"} given) and
// training_config (from compile_config, when not null); model_weights with layer_names and
// one group per layer of model.layers() holding weight_names ("<layer>/<variable>") and the
// datasets; optimizer_weights holding `optimizer_values` in Keras 3's order (iteration,
// learning rate, slots). Throws IoError naming `who` when libhdf5 fails.
std::vector<uint8_t> write_legacy_h5(const Model& model, const Json& model_config,
                                     const Json& compile_config,
                                     const std::vector<Tensor>& optimizer_values,
                                     const std::string& optimizer_name, const std::string& who);

}  // namespace io::detail
}  // namespace mz
