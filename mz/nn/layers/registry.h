// The layer registry: Keras class name -> from_config, the one table that configs (and so
// .keras files) are read through. A new layer adds one row in registry.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mz/nn/config.h"
#include "mz/nn/layer.h"

namespace mz {

// A layer from Keras's {"class_name": "Dense", "config": {...}} (module, registered_name and
// build_config are ignored). Throws ValueError naming an unknown class and listing the known
// ones.
LayerPtr layer_from_config(const Json& keras_layer_config);
// The Keras class names layer_from_config knows, sorted.
std::vector<std::string> layer_class_names();
// Where layer_from_config sends a class the table lacks (layers defined in Python: the
// Python package sets it): returns null for a class it does not know either. An empty
// function removes it.
void set_layer_fallback(std::function<std::shared_ptr<Layer>(const Json&)> fallback);

}  // namespace mz
