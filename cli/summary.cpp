// merezha summary MODEL: Keras's model.summary() of a .keras archive or a config .json.
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "cli/model_files.h"

namespace mz::cli {

void add_summary_command(CLI::App& app, std::vector<Command>& commands) {
  auto model_path = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "summary", "Print a model's layers, output shapes and parameter counts (Keras's summary).");
  sub->add_option("MODEL", *model_path, "the model (.keras, or a Keras config .json)")->required();
  commands.push_back({"summary", [model_path](std::ostream& out) {
                        out << load_any_model(*model_path, /*compile=*/false)->summary() << "\n";
                        return 0;
                      }});
}

}  // namespace mz::cli
