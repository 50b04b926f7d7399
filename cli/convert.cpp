// merezha convert IN OUT: models between .keras, .weights.h5 and config .json; data between
// .csv and .npy (and IDX files into either).
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/data.h"
#include "cli/model_files.h"
#include "mz/io/idx.h"
#include "mz/io/keras_file.h"
#include "mz/plot/chart.h"

namespace mz::cli {
namespace {

struct ConvertArgs {
  std::string input;
  std::string output;
  std::string config;
  bool no_header = false;
};

bool is_model_file(const std::string& path) {
  return has_suffix(path, ".keras") || has_suffix(path, ".json") || has_suffix(path, ".h5");
}

int convert_model(const ConvertArgs& args, std::ostream& out) {
  std::shared_ptr<Model> model;
  if (has_suffix(args.input, ".weights.h5")) {
    if (args.config.empty())
      throw ValueError(str("\"", args.input,
                           "\" holds weights only: give the architecture "
                           "with --config MODEL (.json or .keras)."));
    model = load_any_model(args.config);
    load_weights(*model, args.input);
  } else {
    if (has_suffix(args.input, ".h5"))
      throw ValueError(str("\"", args.input,
                           "\": expected .keras, .weights.h5 or .json; "
                           "Keras 2's .h5 models are not read."));
    model = load_any_model(args.input);
    if (!args.config.empty())
      throw ValueError(str("--config is for a .weights.h5 input, got \"", args.input, "\"."));
  }
  if (has_suffix(args.output, ".keras")) {
    save_model(*model, args.output);
  } else if (has_suffix(args.output, ".weights.h5")) {
    save_weights(*model, args.output);
  } else if (has_suffix(args.output, ".json")) {
    plot::write_text_file(args.output, model_config_json(*model).dump(2) + "\n");
  } else {
    throw ValueError(str("\"", args.output,
                         "\": a model converts to .keras, .weights.h5 or "
                         ".json (its config)."));
  }
  out << args.input << " -> " << args.output << " (" << model->class_name() << " '" << model->name()
      << "', " << model->weights().size() << " weights)\n";
  return 0;
}

int convert_data(const ConvertArgs& args, std::ostream& out) {
  if (!has_suffix(args.output, ".csv") && !has_suffix(args.output, ".npy"))
    throw ValueError(str("\"", args.output, "\": data converts to .csv or .npy."));
  Tensor t = data_format(args.input, "") == "idx" ? io::read_idx(args.input)
                                                  : read_array(args.input, !args.no_header);
  if (has_suffix(args.output, ".csv") && t.rank() > 2) t = t.reshape({t.size(0), -1});
  write_array(args.output, t);
  out << args.input << " -> " << args.output << " (" << keras_shape_text(t.shape()) << " "
      << dtype_name(t.dtype()) << ")\n";
  return 0;
}

}  // namespace

void add_convert_command(CLI::App& app, std::vector<Command>& commands) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* sub = app.add_subcommand(
      "convert",
      "Convert a model (.keras, .weights.h5 with --config, config .json) or data "
      "(.csv, .npy, IDX) into another format, chosen by OUT's extension.");
  sub->add_option("IN", args->input, "the file to read")->required();
  sub->add_option("OUT", args->output,
                  "the file to write (.keras, .weights.h5, .json, .csv, "
                  ".npy)")
      ->required();
  sub->add_option("--config", args->config,
                  "the architecture (.json or .keras) for a .weights.h5 input");
  sub->add_flag("--no-header", args->no_header, "CSV input: the first row is data, not names");
  commands.push_back({"convert", [args](std::ostream& out) {
                        return is_model_file(args->input) ? convert_model(*args, out)
                                                          : convert_data(*args, out);
                      }});
}

}  // namespace mz::cli
