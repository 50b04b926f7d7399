// merezha evaluate MODEL DATA: the model's loss and metrics on a test set, read from a spec
// (its test files or test split, scaled as in training) or from data files.
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/data.h"
#include "cli/model_files.h"
#include "cli/spec.h"
#include "mz/nn/model_from_config.h"
#include "mz/ops/arith.h"

namespace mz::cli {
namespace {

struct EvaluateArgs {
  std::string model;
  std::string data;
  std::string labels;
  std::string label_column;
  bool no_header = false;
  double scale = 1.0;
  std::string spec;
  int64_t batch_size = 256;
  int64_t samples = 0;
  std::vector<std::string> overrides;
};

bool is_spec(const std::string& path) {
  return has_suffix(path, ".yaml") || has_suffix(path, ".yml") || has_suffix(path, ".json");
}

int run_evaluate(const EvaluateArgs& args, std::ostream& out) {
  std::shared_ptr<Model> model = load_any_model(args.model);
  Tensor x, y;
  if (is_spec(args.data)) {
    TrainSpec spec = read_train_spec(args.data, args.overrides);
    if (spec.data.test.x.empty() && spec.data.test_split <= 0)
      throw ValueError(str("spec \"", args.data,
                           "\": data: no test set: give data.test or "
                           "data.test_split."));
    if (!model->compiled())
      model->compile(compile_options_from_config(spec.compile, model->output_names()));
    LoadedData data = load_data(spec.data, spec.base_dir, spec.fit.seed, /*test_only=*/true);
    x = data.x_test, y = data.y_test;
  } else {
    DataSpec spec;
    spec.label_column = args.label_column;
    spec.header = !args.no_header;
    LoadedData data = read_xy(args.data, args.labels, spec);
    x = data.x_train, y = data.y_train;
    if (args.scale != 1.0) x = x.to(DType::f32) * args.scale;
    if (!args.spec.empty()) x = scale_like_spec(read_train_spec(args.spec, args.overrides), x);
  }
  if (!y.defined())
    throw ValueError(str("data \"", args.data,
                         "\": no labels: give --labels FILE (IDX, NPY) "
                         "or a CSV with a label column."));
  if (args.samples > 0 && args.samples < x.size(0))
    x = x.slice(0, 0, args.samples), y = y.slice(0, 0, args.samples);
  x = fit_to_model(x, *model, str("data \"", args.data, "\""), "x");
  Logs logs = model->evaluate(x, y, {.batch_size = args.batch_size, .verbose = 0});
  out << "samples: " << x.size(0) << "\n";
  for (const auto& [key, value] : logs) out << key << ": " << value << "\n";
  return 0;
}

}  // namespace

void add_evaluate_command(CLI::App& app, std::vector<Command>& commands) {
  auto args = std::make_shared<EvaluateArgs>();
  CLI::App* sub = app.add_subcommand(
      "evaluate",
      "Score a model on a test set: DATA is a train spec (its test set, scaled as in "
      "training) or a data file (CSV with a label column; IDX or NPY with --labels).");
  sub->add_option("MODEL", args->model, "the model (.keras, or a Keras config .json)")->required();
  sub->add_option("DATA", args->data, "a spec (.yaml/.yml/.json) or a data file")->required();
  sub->add_option("--labels", args->labels, "the labels file (IDX, NPY or CSV)");
  sub->add_option("--label-column", args->label_column,
                  "CSV: the label column, by header name or 0-based index (default: the last)");
  sub->add_flag("--no-header", args->no_header, "CSV: the first row is data, not names");
  sub->add_option("--scale", args->scale,
                  "multiply the features by this (e.g. 0.00392156862745098)");
  sub->add_option("--spec", args->spec,
                  "a data file: scale it as this train spec scaled its data (minmax, standard)");
  sub->add_option("--batch-size", args->batch_size, "samples per batch")->capture_default_str();
  sub->add_option("--samples", args->samples, "score only the first N samples");
  sub->add_option("--set", args->overrides, "override a spec value (key.path=value)")
      ->allow_extra_args(false);
  commands.push_back({"evaluate", [args](std::ostream& out) { return run_evaluate(*args, out); }});
}

}  // namespace mz::cli
