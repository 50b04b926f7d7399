// merezha train SPEC: builds the spec's Keras model, reads its data, compiles, fits, scores
// the test set, and saves the model (.keras) and the history (CSV).
#include <filesystem>
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/data.h"
#include "cli/model_files.h"
#include "cli/spec.h"
#include "mz/core/generator.h"
#include "mz/core/thread_pool.h"
#include "mz/dist/communicator.h"
#include "mz/io/keras_file.h"
#include "mz/nn/callbacks/csv_logger.h"
#include "mz/nn/model_from_config.h"

namespace mz::cli {
namespace {

struct TrainArgs {
  std::string spec;
  std::vector<std::string> overrides;
  std::string output;
};

std::string describe(const Tensor& x, const Tensor& y) {
  std::string s = str("x ", keras_shape_text(x.shape()), " ", dtype_name(x.dtype()));
  if (y.defined()) s += str(", y ", keras_shape_text(y.shape()), " ", dtype_name(y.dtype()));
  return s;
}

// Under mpirun every rank runs the command: fit is data-parallel over the ranks
// (docs/distributed.md) and rank 0 alone prints, evaluates and saves.
int run_train(const TrainArgs& args, std::ostream& rank0_out) {
  dist::CommunicatorPtr comm = dist::init();
  std::ostream quiet(nullptr);  // a stream that drops what the other ranks would print
  std::ostream& out = comm->rank() == 0 ? rank0_out : quiet;
  TrainSpec spec = read_train_spec(args.spec, args.overrides);
  if (!args.output.empty()) spec.output.model = args.output;
  set_seed(spec.fit.seed);
  if (spec.fit.threads > 0) set_num_threads(spec.fit.threads);

  check_layer_classes(spec.model, str("spec \"", args.spec, "\""));
  std::shared_ptr<Model> model = Model::from_config(spec.model);
  LoadedData data = load_data(spec.data, spec.base_dir, spec.fit.seed);
  if (!data.y_train.defined())
    throw ValueError(str("spec \"", args.spec,
                         "\": data: the training set has no labels: give "
                         "train.y (IDX, NPY) or a label_column (CSV)."));
  out << "train " << describe(data.x_train, data.y_train) << "\n";
  if (data.x_test.defined()) out << "test " << describe(data.x_test, data.y_test) << "\n";
  Tensor x_train =
      fit_to_model(data.x_train, *model, str("spec \"", args.spec, "\""), "the training data x");
  Tensor x_test =
      fit_to_model(data.x_test, *model, str("spec \"", args.spec, "\""), "the test data x");

  model->compile(compile_options_from_config(spec.compile, model->output_names()));
  out << model->summary() << "\n";
  out.flush();

  FitOptions fit{.batch_size = spec.fit.batch_size,
                 .epochs = spec.fit.epochs,
                 .verbose = spec.fit.verbose,
                 .validation_split = spec.fit.validation_split >= 0 ? spec.fit.validation_split
                                                                    : spec.data.validation_split,
                 .shuffle = spec.fit.shuffle,
                 .initial_epoch = spec.fit.initial_epoch,
                 .steps_per_epoch = spec.fit.steps_per_epoch};
  if (comm->size() > 1) {
    fit.communicator = comm;
    out << "data-parallel over " << comm->size() << " ranks (global batch " << spec.fit.batch_size
        << ")\n";
  }
  if (!spec.output.history.empty())
    fit.callbacks.push_back(callbacks::CSVLogger(spec.output.history));
  History history = model->fit(x_train, data.y_train, fit);
  for (const auto& [key, values] : history.history)
    if (!values.empty()) out << "final " << key << ": " << values.back() << "\n";

  if (comm->rank() != 0) return 0;  // every rank holds rank 0's weights
  if (x_test.defined() && data.y_test.defined()) {
    Logs test =
        model->evaluate(x_test, data.y_test,
                        {.batch_size = std::max<int64_t>(spec.fit.batch_size, 256), .verbose = 0});
    for (const auto& [key, value] : test) out << "test " << key << ": " << value << "\n";
  }
  save_model(*model, spec.output.model);
  out << "saved model: " << spec.output.model << "\n";
  if (!spec.output.history.empty()) out << "saved history: " << spec.output.history << "\n";
  if (spec.data.scaling == "minmax" || spec.data.scaling == "standard")
    out << "note: the " << spec.data.scaling << " scaling is not part of the saved model: give "
        << "--spec " << args.spec << " to merezha predict and evaluate on raw files.\n";
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app, std::vector<Command>& commands) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* sub = app.add_subcommand(
      "train",
      "Train the model a spec describes (YAML or JSON: model in Keras's config schema, data, "
      "compile, fit, output) and save it as .keras.");
  sub->add_option("SPEC", args->spec, "the spec file (.yaml, .yml or .json)")->required();
  sub->add_option("--set", args->overrides,
                  "override a spec value: --set fit.epochs=1 --set data.samples=2000")
      ->allow_extra_args(false);
  sub->add_option("-o,--output", args->output,
                  "where to save the model (.keras); overrides "
                  "output.model");
  commands.push_back({"train", [args](std::ostream& out) { return run_train(*args, out); }});
}

}  // namespace mz::cli
