// Reading and describing models for the merezha command.
#include "cli/model_files.h"

#include <algorithm>

#include "cli/spec.h"
#include "mz/io/keras_file.h"
#include "mz/nn/layers/registry.h"
#include "mz/nn/model_from_config.h"

namespace mz::cli {
namespace {

// Levenshtein distance, case-insensitive (for "did you mean").
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

bool is_model_class(const std::string& cls) {
  return cls == "Sequential" || cls == "Functional" || cls == "Model";
}

void check_layers(const Json& model, const std::vector<std::string>& known,
                  const std::string& where) {
  if (!model.is_object() || !model.contains("config") || !model["config"].is_object()) return;
  const Json& config = model["config"];
  if (!config.contains("layers") || !config["layers"].is_array()) return;
  for (std::size_t i = 0; i < config["layers"].size(); ++i) {
    const Json& layer = config["layers"][i];
    if (!layer.is_object() || !layer.contains("class_name") || !layer["class_name"].is_string())
      continue;  // layer_from_config names the malformed entry
    const std::string cls = layer["class_name"].get<std::string>();
    std::string name;
    if (layer.contains("config") && layer["config"].is_object() &&
        layer["config"].contains("name") && layer["config"]["name"].is_string())
      name = str(" (\"", layer["config"]["name"].get<std::string>(), "\")");
    if (is_model_class(cls)) {
      check_layers(layer, known, str(where, ": layer ", i, name));
      continue;
    }
    if (std::binary_search(known.begin(), known.end(), cls)) continue;
    auto closest = std::min_element(known.begin(), known.end(), [&](const auto& a, const auto& b) {
      return edit_distance(cls, a) < edit_distance(cls, b);
    });
    std::string hint;
    if (closest != known.end() &&
        edit_distance(cls, *closest) <= std::max<std::size_t>(2, cls.size() / 3))
      hint = str("; did you mean \"", *closest, "\"?");
    else
      for (std::size_t k = 0; k < known.size(); ++k) hint += (k ? ", " : ": ") + known[k];
    throw ValueError(str(
        where, ": layer ", i, name, ": unknown layer class \"", cls, "\": expected one of the ",
        known.size(), " Keras layer classes merezha knows", hint, hint.back() == '?' ? "" : "."));
  }
}

}  // namespace

void check_layer_classes(const Json& model, const std::string& who) {
  std::vector<std::string> known = layer_class_names();
  std::sort(known.begin(), known.end());
  check_layers(model, known, str(who, ": model"));
}

bool has_suffix(const std::string& path, const std::string& suffix) {
  return path.size() >= suffix.size() &&
         path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::shared_ptr<Model> load_any_model(const std::string& path, bool compile) {
  if (has_suffix(path, ".keras")) return load_model(path, {.compile = compile});
  if (has_suffix(path, ".json") || has_suffix(path, ".yaml") || has_suffix(path, ".yml")) {
    Json doc = read_document(path);
    check_layer_classes(doc, str("model \"", path, "\""));
    std::shared_ptr<Model> model = Model::from_config(doc);
    if (compile && doc.is_object() && doc.contains("compile_config") &&
        !doc["compile_config"].is_null())
      model->compile(compile_options_from_config(doc["compile_config"], model->output_names()));
    return model;
  }
  throw ValueError(
      str("model \"", path, "\": expected a .keras archive or a Keras config .json file."));
}

Json model_config_json(const Model& model) {
  const bool sequential = dynamic_cast<const Sequential*>(&model) != nullptr;
  Json out = {{"module", sequential ? "keras" : "keras.src.models.functional"},
              {"class_name", model.class_name()},
              {"config", model.config()},
              {"registered_name", sequential ? Json(nullptr) : Json("Functional")}};
  Json cc = model.compile_config();
  if (!cc.is_null()) out["compile_config"] = cc;
  return out;
}

}  // namespace mz::cli
