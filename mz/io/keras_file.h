// Keras 3 files: the .keras archive (metadata.json, config.json, model.weights.h5) and
// .weights.h5 weight files, both ways, in Keras's layout (specs/formats.md A1), so models move
// between merezha and Keras. Needs libzip (.keras) and libhdf5 (weights).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/model.h"

namespace mz {

// load_model's options (Keras's load_model(filepath, compile=True)).
struct LoadModelOptions {
  bool compile = true;  // apply compile_config and restore the optimizer state, when saved
  // Replay the archive's verification pair (assets/merezha_verify.h5, see save_model) and throw
  // FormatError naming the file and the largest difference when the loaded model's outputs
  // differ from the recorded ones by more than 1e-6 relative: |got - want| <= 1e-6 * (|want| +
  // mean |want|) for every element. A .keras file without the pair (written by Keras) or a
  // legacy .h5 file cannot be verified: FormatError.
  bool verify = false;
};

// Saves a Sequential or functional model as a Keras 3 `.keras` archive: config.json
// (module/class_name/config/registered_name, build_config, compile_config), model.weights.h5
// (layers/<snake_case class>/vars/0..., optimizer/vars/0 = iterations, 1 = learning rate, then
// the slots in Keras's order) and metadata.json, plus assets/merezha_verify.h5 (a member Keras
// ignores): a deterministic probe, 2 rows per input drawn uniform in [0, 1) from a Generator
// seeded 0 (-1 dims other than the batch become 3; integer inputs get the probe cast, 0s), with
// the model's predict() outputs for it, for load_model's verify (left out when the model
// cannot run on the probe). The write is atomic: the previous file stays
// until the new one is complete. Throws ValueError for a path not ending in ".keras" or a
// subclassed model, IoError when the file cannot be written, BackendError naming the missing
// package when merezha was built without libzip or libhdf5. A path ending in ".h5" (not
// ".weights.h5") writes a legacy Keras .h5 file instead (legacy_h5.h).
void save_model(const Model& model, const std::string& path);

// Loads a `.keras` archive written by Keras 3 or by save_model: the model rebuilt from
// config.json, its weights, and (options.compile) its compile config and optimizer state, so
// fit() continues where it stopped. Throws IoError when the file cannot be read and
// FormatError/ValueError naming the file and its part for a corrupt or unsupported archive:
//   FormatError: load_model "m.keras": model.weights.h5: Dense 'dense' variable 0 (kernel):
//     expected shape (6, 5), got (6, 4).
// A path ending in ".h5" (not ".weights.h5") reads a legacy Keras .h5 file (legacy_h5.h).
std::shared_ptr<Model> load_model(const std::string& path, LoadModelOptions options = {});

// Saves the weights (and the optimizer state, when compiled) as a Keras `.weights.h5` file in
// the layout of model.weights.h5; atomic. Throws ValueError unless path ends in ".weights.h5".
void save_weights(const Model& model, const std::string& path);

// Loads weights saved by save_weights or Keras's model.save_weights() into a model of the
// same architecture (layers matched by position and class, as Keras does); restores the
// optimizer state when the model is compiled and the file has one. Throws FormatError naming
// the layer and variable on a missing variable or a shape mismatch.
void load_weights(Model& model, const std::string& path);

}  // namespace mz
