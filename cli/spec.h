// The documents the merezha command reads: YAML or JSON files as JSON values (parse errors
// name the line and column), `--set key=value` overrides, and the train spec's sections.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/nn/config.h"

namespace mz::cli {

// YAML text as JSON. Plain scalars are typed by YAML 1.2's core schema (null, ~ and empty are
// null; true/false; integers; floats, .inf, .nan); quoted scalars stay strings. Throws
// FormatError "<who>: line L, column C: <what>." for malformed text or a duplicate key.
Json parse_yaml(const std::string& text, const std::string& who);

// JSON text as JSON. Throws FormatError "<who>: line L, column C: <what>." when malformed.
Json parse_json(const std::string& text, const std::string& who);

// A spec file: JSON when it ends in ".json", YAML otherwise (YAML also reads JSON). Throws
// IoError "spec \"<path>\": cannot read the file: <reason>." and parse_yaml's/parse_json's
// FormatErrors with who = spec "<path>".
Json read_document(const std::string& path);

// Sets the value at a dotted path ("fit.epochs=1", "model.config.layers.1.config.units=64"),
// the value typed as a YAML scalar or flow collection; missing dicts are created. Throws
// ValueError "--set \"<assignment>\": ..." without '=' or for a path through a non-container.
void apply_override(Json& doc, const std::string& assignment);

// One data set's files: x (features; a CSV also holds the labels) and y (labels; IDX, NPY).
struct DataFiles {
  std::string x;
  std::string y;
};

// The spec's `data` section. Input paths are relative to the spec's folder.
struct DataSpec {
  std::string format;  // "idx", "csv" or "npy"; empty: from each file's extension
  DataFiles train;
  DataFiles test;
  std::string label_column;  // CSV: a header name or a 0-based index; empty: the last column
  bool header = true;        // CSV: the first row names the columns
  std::string delimiter = ",";
  std::string label_dtype = "int64";  // "int64" (class indices) or "float32" (targets)
  // "none"; "linear" (x * scale + offset); "minmax" to [0, 1] or "standard" (zero mean, unit
  // variance), both per feature with the training set's statistics.
  std::string scaling = "none";
  double scale = 1.0;
  double offset = 0.0;
  int64_t samples = 0;       // keep the first N training samples (0: all)
  int64_t test_samples = 0;  // keep the first N test samples (0: all)
  // Without test files: this fraction of the (shuffled) training file becomes the test set.
  double test_split = 0.0;
  bool shuffle = true;            // shuffle before test_split (seeded by fit.seed)
  double validation_split = 0.0;  // passed to fit (fit.validation_split takes precedence)
};

// The spec's `fit` section: Keras's fit() arguments, plus the seed and thread count.
struct FitSpec {
  int64_t batch_size = 32;
  int epochs = 1;
  int verbose = -1;                // 0 silent, 1 progress bar, 2 one line per epoch, -1 auto
  double validation_split = -1.0;  // < 0: data.validation_split
  bool shuffle = true;
  int initial_epoch = 0;
  int64_t steps_per_epoch = 0;
  uint64_t seed = 42;
  int threads = 0;  // 0: merezha's default
};

// The spec's `output` section; relative paths are relative to the current directory.
struct OutputSpec {
  std::string model;    // a .keras file; empty: "<spec name>.keras"
  std::string history;  // a CSV written by CSVLogger; empty: none
};

// A parsed train spec (YAML or JSON): model (Keras's serialized model, as Model::from_config
// takes it), data, compile (Keras's compile_config: optimizer, loss, metrics), fit, output.
struct TrainSpec {
  Json model;
  DataSpec data;
  Json compile;
  FitSpec fit;
  OutputSpec output;
  std::string path;      // the spec file
  std::string base_dir;  // its folder
};

// The spec in `doc`; `who` names it in errors (spec "x.yaml"). Throws ValueError
// "<who>: <section>: ..." for an unknown key, a value of the wrong type or a missing section.
TrainSpec train_spec_from_json(const Json& doc, const std::string& who);

// Reads a spec file, applies the overrides in order, and parses it.
TrainSpec read_train_spec(const std::string& path, const std::vector<std::string>& overrides);

// `path` made absolute against `base_dir` when it is relative ("" stays "").
std::string resolve_path(const std::string& base_dir, const std::string& path);

}  // namespace mz::cli
