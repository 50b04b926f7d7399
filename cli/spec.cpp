// Spec files: YAML (yaml-cpp) and JSON (nlohmann) to JSON values with line/column errors,
// --set overrides, and the train spec's sections checked key by key.
#include "cli/spec.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>

namespace mz::cli {
namespace {

// A plain YAML scalar typed by the YAML 1.2 core schema.
Json plain_scalar(const std::string& s) {
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex hex_re("0x[0-9a-fA-F]+");
  static const std::regex oct_re("0o[0-7]+");
  static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex inf_re("[-+]?\\.(inf|Inf|INF)");
  static const std::regex nan_re("\\.(nan|NaN|NAN)");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  try {
    if (std::regex_match(s, int_re)) return std::stoll(s);
    if (std::regex_match(s, hex_re)) return std::stoll(s.substr(2), nullptr, 16);
    if (std::regex_match(s, oct_re)) return std::stoll(s.substr(2), nullptr, 8);
  } catch (const std::out_of_range&) {
    return std::stod(s);  // too large for int64: a float, as Python's YAML loaders keep it
  }
  if (std::regex_match(s, float_re)) return std::stod(s);
  if (std::regex_match(s, inf_re))
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  if (std::regex_match(s, nan_re)) return std::numeric_limits<double>::quiet_NaN();
  return s;
}

std::string at_mark(const YAML::Mark& mark) {
  return str("line ", mark.line + 1, ", column ", mark.column + 1);
}

Json yaml_to_json(const YAML::Node& node, const std::string& who) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags a quoted scalar "!" and a plain one "?"; an explicit tag keeps the text.
      return node.Tag() == "?" ? plain_scalar(node.Scalar()) : Json(node.Scalar());
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const YAML::Node& e : node) out.push_back(yaml_to_json(e, who));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar())
          throw FormatError(str(who, ": ", at_mark(kv.first.Mark()),
                                ": a key must be a plain value, got a list or a dict."));
        const std::string& key = kv.first.Scalar();
        if (out.contains(key))
          throw FormatError(
              str(who, ": ", at_mark(kv.first.Mark()), ": duplicate key \"", key, "\"."));
        out[key] = yaml_to_json(kv.second, who);
      }
      return out;
    }
  }
  return nullptr;
}

std::string read_text(const std::string& path, const std::string& who) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw IoError(str(who, ": cannot read the file: it is a directory."));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(str(who, ": cannot read the file: no such file or not readable."));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Throws ValueError unless every key of `section` is in `allowed`.
void check_keys(const Json& section, const std::set<std::string>& allowed, const std::string& who) {
  if (!section.is_object())
    throw ValueError(str(who, ": expected a dict, got ", section.dump(), "."));
  for (const auto& [key, value] : section.items()) {
    if (allowed.count(key)) continue;
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw ValueError(str(who, ": unknown key \"", key, "\": expected one of ", list, "."));
  }
}

// A string (or number, written as text) at `key`, or fallback.
std::string text_at(const Json& section, const char* key, const std::string& fallback,
                    const std::string& who) {
  if (!section.contains(key) || section[key].is_null()) return fallback;
  const Json& v = section[key];
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return config_get<std::string>(section, key, fallback, who);
}

DataFiles data_files(const Json& section, const char* key, const std::string& who) {
  DataFiles files;
  if (!section.contains(key) || section[key].is_null()) return files;
  const Json& v = section[key];
  std::string where = str(who, ": ", key);
  if (v.is_string()) {
    files.x = v.get<std::string>();
    return files;
  }
  check_keys(v, {"x", "y", "path"}, where);
  files.x = config_get<std::string>(v, "x", config_get<std::string>(v, "path", "", where), where);
  files.y = config_get<std::string>(v, "y", "", where);
  if (files.x.empty()) throw ValueError(str(where, ": \"x\" (the features file) is required."));
  return files;
}

DataSpec data_spec(const Json& s, const std::string& who) {
  check_keys(s,
             {"format", "train", "test", "label_column", "header", "delimiter", "label_dtype",
              "scaling", "samples", "test_samples", "test_split", "shuffle", "validation_split"},
             who);
  DataSpec d;
  d.format = config_get<std::string>(s, "format", "", who);
  if (!d.format.empty() && d.format != "idx" && d.format != "csv" && d.format != "npy")
    throw ValueError(
        str(who, ": \"format\": expected one of idx, csv, npy, got \"", d.format, "\"."));
  d.train = data_files(s, "train", who);
  d.test = data_files(s, "test", who);
  if (d.train.x.empty())
    throw ValueError(str(who, ": \"train\" (the training files) is required."));
  d.label_column = text_at(s, "label_column", "", who);
  d.header = config_get<bool>(s, "header", true, who);
  d.delimiter = config_get<std::string>(s, "delimiter", ",", who);
  if (d.delimiter.size() != 1)
    throw ValueError(
        str(who, ": \"delimiter\": expected one character, got \"", d.delimiter, "\"."));
  d.label_dtype = config_get<std::string>(s, "label_dtype", "int64", who);
  if (d.label_dtype != "int64" && d.label_dtype != "float32")
    throw ValueError(
        str(who, ": \"label_dtype\": expected int64 or float32, got \"", d.label_dtype, "\"."));
  if (s.contains("scaling") && s["scaling"].is_object()) {
    std::string where = str(who, ": scaling");
    check_keys(s["scaling"], {"scale", "offset"}, where);
    d.scaling = "linear";
    d.scale = config_get<double>(s["scaling"], "scale", 1.0, where);
    d.offset = config_get<double>(s["scaling"], "offset", 0.0, where);
  } else {
    d.scaling = config_get<std::string>(s, "scaling", "none", who);
    if (d.scaling != "none" && d.scaling != "minmax" && d.scaling != "standard")
      throw ValueError(str(who,
                           ": \"scaling\": expected none, minmax, standard or {scale, "
                           "offset}, got \"",
                           d.scaling, "\"."));
  }
  d.samples = config_get<int64_t>(s, "samples", 0, who);
  d.test_samples = config_get<int64_t>(s, "test_samples", 0, who);
  d.test_split = config_get<double>(s, "test_split", 0.0, who);
  d.shuffle = config_get<bool>(s, "shuffle", true, who);
  d.validation_split = config_get<double>(s, "validation_split", 0.0, who);
  if (d.samples < 0 || d.test_samples < 0)
    throw ValueError(str(who, ": \"samples\" and \"test_samples\" must be >= 0."));
  if (d.test_split < 0 || d.test_split >= 1)
    throw ValueError(
        str(who, ": \"test_split\": expected a fraction in [0, 1), got ", d.test_split, "."));
  if (d.validation_split < 0 || d.validation_split >= 1)
    throw ValueError(str(who, ": \"validation_split\": expected a fraction in [0, 1), got ",
                         d.validation_split, "."));
  return d;
}

FitSpec fit_spec(const Json& s, const std::string& who) {
  check_keys(s,
             {"batch_size", "epochs", "verbose", "validation_split", "shuffle", "initial_epoch",
              "steps_per_epoch", "seed", "threads"},
             who);
  FitSpec f;
  f.batch_size = config_get<int64_t>(s, "batch_size", 32, who);
  f.epochs = config_get<int>(s, "epochs", 1, who);
  if (s.contains("verbose") && s["verbose"].is_string()) {
    if (s["verbose"] != "auto")
      throw ValueError(
          str(who, ": \"verbose\": expected 0, 1, 2 or \"auto\", got ", s["verbose"].dump(), "."));
  } else {
    f.verbose = config_get<int>(s, "verbose", -1, who);
  }
  f.validation_split = config_get<double>(s, "validation_split", -1.0, who);
  f.shuffle = config_get<bool>(s, "shuffle", true, who);
  f.initial_epoch = config_get<int>(s, "initial_epoch", 0, who);
  f.steps_per_epoch = config_get<int64_t>(s, "steps_per_epoch", 0, who);
  f.seed = static_cast<uint64_t>(config_get<int64_t>(s, "seed", 42, who));
  f.threads = config_get<int>(s, "threads", 0, who);
  if (f.batch_size <= 0 || f.epochs <= 0)
    throw ValueError(str(who, ": \"batch_size\" and \"epochs\" must be positive, got ",
                         f.batch_size, " and ", f.epochs, "."));
  return f;
}

}  // namespace

Json parse_yaml(const std::string& text, const std::string& who) {
  try {
    return yaml_to_json(YAML::Load(text), who);
  } catch (const YAML::Exception& e) {
    throw FormatError(str(who, ": ", at_mark(e.mark), ": ", e.msg, "."));
  }
}

Json parse_json(const std::string& text, const std::string& who) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is the 1-based offset of the character that broke the parse.
    std::size_t end = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    int64_t line = 1, column = 1;
    for (std::size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line, column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    std::size_t at = what.find("column ");
    at = at == std::string::npos ? std::string::npos : what.find(": ", at);
    if (at != std::string::npos) {
      what = what.substr(at + 2);
    } else if ((at = what.find("] ")) != std::string::npos) {
      what = what.substr(at + 2);
    }
    throw FormatError(str(who, ": line ", line, ", column ", column, ": ", what, "."));
  }
}

Json read_document(const std::string& path) {
  std::string who = str("spec \"", path, "\"");
  std::string text = read_text(path, who);
  return ends_with(path, ".json") ? parse_json(text, who) : parse_yaml(text, who);
}

void apply_override(Json& doc, const std::string& assignment) {
  std::string who = str("--set \"", assignment, "\"");
  std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ValueError(str(who, ": expected key.path=value, got no '='."));
  std::string path = assignment.substr(0, eq);
  Json value = parse_yaml(assignment.substr(eq + 1), who);
  Json* node = &doc;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    std::string key =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw ValueError(str(who, ": empty key in \"", path, "\"."));
    Json* next = nullptr;
    if (node->is_array()) {
      std::size_t index = 0;
      try {
        index = std::stoul(key);
      } catch (const std::exception&) {
        throw ValueError(str(who, ": \"", key, "\" indexes a list: expected a number."));
      }
      if (index >= node->size())
        throw ValueError(
            str(who, ": index ", index, " is past the list's ", node->size(), " entries."));
      next = &(*node)[index];
    } else {
      if (node->is_null()) *node = Json::object();
      if (!node->is_object())
        throw ValueError(
            str(who, ": \"", key, "\" is inside ", node->dump(), ", which is not a dict."));
      next = &(*node)[key];
    }
    if (dot == std::string::npos) {
      *next = value;
      return;
    }
    node = next;
    start = dot + 1;
  }
}

TrainSpec train_spec_from_json(const Json& doc, const std::string& who) {
  check_keys(doc, {"model", "data", "compile", "fit", "output"}, who);
  TrainSpec spec;
  if (!doc.contains("model") || !doc["model"].is_object())
    throw ValueError(str(who,
                         ": \"model\" is required: a Keras model config such as "
                         "{class_name: Sequential, config: {layers: [...]}}."));
  spec.model = doc["model"];
  if (!doc.contains("data")) throw ValueError(str(who, ": \"data\" is required."));
  spec.data = data_spec(doc["data"], str(who, ": data"));
  spec.compile = doc.contains("compile") ? doc["compile"] : Json::object();
  check_keys(spec.compile, {"optimizer", "loss", "loss_weights", "metrics"}, str(who, ": compile"));
  if (!spec.compile.contains("loss") || spec.compile["loss"].is_null())
    throw ValueError(str(who, ": compile: \"loss\" is required (a Keras loss name or config)."));
  spec.fit = fit_spec(doc.contains("fit") ? doc["fit"] : Json::object(), str(who, ": fit"));
  Json out = doc.contains("output") ? doc["output"] : Json::object();
  check_keys(out, {"model", "history"}, str(who, ": output"));
  spec.output.model = config_get<std::string>(out, "model", "", str(who, ": output"));
  spec.output.history = config_get<std::string>(out, "history", "", str(who, ": output"));
  if (!spec.output.model.empty() && !ends_with(spec.output.model, ".keras"))
    throw ValueError(str(who, ": output: \"model\": expected a path ending in .keras, got \"",
                         spec.output.model, "\"."));
  return spec;
}

TrainSpec read_train_spec(const std::string& path, const std::vector<std::string>& overrides) {
  Json doc = read_document(path);
  for (const std::string& o : overrides) apply_override(doc, o);
  TrainSpec spec = train_spec_from_json(doc, str("spec \"", path, "\""));
  spec.path = path;
  spec.base_dir = std::filesystem::path(path).parent_path().string();
  if (spec.output.model.empty())
    spec.output.model = std::filesystem::path(path).stem().string() + ".keras";
  return spec;
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

}  // namespace mz::cli
