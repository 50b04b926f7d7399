// The layer registry: one row per Keras class name (STYLE.md rule 8).
#include "mz/nn/layers/registry.h"

#include <map>

#include "mz/nn/layers/activation.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/dropout.h"
#include "mz/nn/layers/flatten.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/layers/rescaling.h"
#include "mz/nn/layers/reshape.h"

namespace mz {
namespace {

using FromConfig = LayerPtr (*)(const Json& config);

const std::map<std::string, FromConfig>& table() {
  namespace L = layers;
  static const std::map<std::string, FromConfig> rows = {
      {"Activation", [](const Json& c) -> LayerPtr { return L::Activation::from_config(c); }},
      {"Dense", [](const Json& c) -> LayerPtr { return L::Dense::from_config(c); }},
      {"Dropout", [](const Json& c) -> LayerPtr { return L::Dropout::from_config(c); }},
      {"Flatten", [](const Json& c) -> LayerPtr { return L::Flatten::from_config(c); }},
      {"InputLayer", [](const Json& c) -> LayerPtr { return L::InputLayer::from_config(c); }},
      {"Rescaling", [](const Json& c) -> LayerPtr { return L::Rescaling::from_config(c); }},
      {"Reshape", [](const Json& c) -> LayerPtr { return L::Reshape::from_config(c); }},
  };
  return rows;
}

}  // namespace

std::vector<std::string> layer_class_names() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : table()) names.push_back(name);
  return names;
}

LayerPtr layer_from_config(const Json& keras_layer_config) {
  const Json& k = keras_layer_config;
  if (!k.is_object() || !k.contains("class_name") || !k["class_name"].is_string())
    throw ValueError(
        str("layer_from_config: expected {\"class_name\": ..., \"config\": {...}}, "
            "got ",
            k.dump(), "."));
  std::string cls = k["class_name"].get<std::string>();
  auto it = table().find(cls);
  if (it == table().end()) {
    std::string known;
    for (const std::string& n : layer_class_names()) known += (known.empty() ? "" : ", ") + n;
    throw ValueError(str("layer_from_config: unknown layer class: expected one of ", known,
                         "; got \"", cls, "\"."));
  }
  Json config = k.contains("config") && !k["config"].is_null() ? k["config"] : Json::object();
  if (!config.is_object())
    throw ValueError(
        str("layer_from_config: ", cls, ": \"config\" must be a dict, got ", config.dump(), "."));
  return it->second(config);
}

}  // namespace mz
