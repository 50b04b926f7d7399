// merezha predict MODEL INPUT -o OUT: the model's outputs for every sample of a CSV, NPY or
// IDX file, written as CSV or NPY (optionally the arg-max class per sample).
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/data.h"
#include "cli/model_files.h"
#include "mz/io/idx.h"
#include "mz/ops/arith.h"
#include "mz/ops/reduce.h"

namespace mz::cli {
namespace {

struct PredictArgs {
  std::string model;
  std::string input;
  std::string output;
  std::string drop_column;
  bool no_header = false;
  bool argmax = false;
  double scale = 1.0;
  std::string spec;
  std::vector<std::string> overrides;
  int64_t batch_size = 256;
};

int run_predict(const PredictArgs& args, std::ostream& out) {
  if (!has_suffix(args.output, ".csv") && !has_suffix(args.output, ".npy"))
    throw ValueError(str("-o \"", args.output, "\": expected a path ending in .csv or .npy."));
  std::shared_ptr<Model> model = load_any_model(args.model, /*compile=*/false);
  Tensor x;
  const std::string format = data_format(args.input, "");
  if (format == "csv" && !args.drop_column.empty()) {
    DataSpec spec;
    spec.label_column = args.drop_column;
    spec.header = !args.no_header;
    x = read_xy(args.input, "", spec).x_train;
  } else if (format == "idx") {
    x = io::read_idx(args.input);
  } else {
    x = read_array(args.input, !args.no_header);
  }
  if (args.scale != 1.0) x = x.to(DType::f32) * args.scale;
  if (!args.spec.empty()) x = scale_like_spec(read_train_spec(args.spec, args.overrides), x);
  x = fit_to_model(x, *model, str("input \"", args.input, "\""), "x");
  Tensor y = model->predict(x, {.batch_size = args.batch_size});
  if (args.argmax) y = mz::argmax(y, -1);
  write_array(args.output, y);
  out << "predicted " << x.size(0) << " samples: " << keras_shape_text(y.shape()) << " "
      << dtype_name(y.dtype()) << " -> " << args.output << "\n";
  return 0;
}

}  // namespace

void add_predict_command(CLI::App& app, std::vector<Command>& commands) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* sub = app.add_subcommand(
      "predict",
      "Run a model on every sample of INPUT (CSV, NPY or IDX) and write its outputs "
      "(CSV or NPY).");
  sub->add_option("MODEL", args->model, "the model (.keras, or a Keras config .json)")->required();
  sub->add_option("INPUT", args->input, "the samples (.csv, .npy, or an IDX file)")->required();
  sub->add_option("-o,--output", args->output, "where to write the outputs (.csv or .npy)")
      ->required();
  sub->add_option("--drop-column", args->drop_column,
                  "CSV: a column to leave out (the labels), by header name or 0-based index");
  sub->add_flag("--no-header", args->no_header, "CSV: the first row is data, not names");
  sub->add_flag("--argmax", args->argmax, "write the class index with the largest output");
  sub->add_option("--scale", args->scale, "multiply the inputs by this first");
  sub->add_option("--spec", args->spec,
                  "scale the inputs as this train spec scaled its data (minmax, standard)");
  sub->add_option("--set", args->overrides, "override a value of --spec (key.path=value)")
      ->allow_extra_args(false);
  sub->add_option("--batch-size", args->batch_size, "samples per batch")->capture_default_str();
  commands.push_back({"predict", [args](std::ostream& out) { return run_predict(*args, out); }});
}

}  // namespace mz::cli
