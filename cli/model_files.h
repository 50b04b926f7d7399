// Models as the merezha command meets them: .keras archives and Keras config .json files,
// read and written (with .weights.h5 for the weights alone).
#pragma once

#include <memory>
#include <string>

#include "mz/nn/config.h"
#include "mz/nn/model.h"

namespace mz::cli {

// A model from a .keras archive (load_model) or a Keras config .json (Model::from_config,
// fresh weights; compiled from its compile_config when `compile` and it has one). Throws
// ValueError for another extension, and mz's IoError/FormatError naming the file.
std::shared_ptr<Model> load_any_model(const std::string& path, bool compile = true);

// The model's Keras envelope, as config.json in a .keras archive holds it: module,
// class_name, config, registered_name and (when compiled) compile_config.
Json model_config_json(const Model& model);

// Checks every layer class of a serialized model (nested models too) against merezha's layer
// registry before anything is built; throws ValueError naming the layer and the closest
// known class (or all of them when none is close): "<who>: model: layer 1 (\"dense\"): unknown
// layer class \"Dence\": expected one of the 75 Keras layer classes merezha knows; did you
// mean \"Dense\"?"
void check_layer_classes(const Json& model, const std::string& who);

// Whether `path` ends in `suffix`.
bool has_suffix(const std::string& path, const std::string& suffix);

}  // namespace mz::cli
