// run_cli: the subcommand table, CLI11 parsing, and the one place where errors become a line
// on stderr and an exit code (2 usage, 1 failure).
#include "cli/cli.h"

#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "mz/core/error.h"

namespace mz::cli {
namespace {

// The message on one line: line ends become spaces, trailing blanks go.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::string joined(const std::vector<Command>& commands) {
  std::string list;
  for (const Command& c : commands) list += (list.empty() ? "" : ", ") + c.name;
  return list;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const std::string& program_path) {
  CLI::App app(
      "merezha: train, evaluate, convert and inspect neural networks (Keras-style "
      "specs in YAML or JSON), run the demos and the benchmarks.",
      "merezha");
  app.set_version_flag("--version", std::string("merezha ") + MZ_CLI_VERSION);
  app.require_subcommand(1);
  std::vector<Command> commands;
  add_train_command(app, commands);
  add_evaluate_command(app, commands);
  add_predict_command(app, commands);
  add_summary_command(app, commands);
  add_plot_command(app, commands);
  add_convert_command(app, commands);
  add_demo_command(app, commands);
  add_bench_command(app, commands, Context{program_path});

  if (args.empty()) {
    err << "merezha: a command is required: expected one of " << joined(commands)
        << "; see merezha --help.\n";
    return 2;
  }
  std::string command;
  if (!args[0].empty() && args[0][0] != '-') {
    auto known = std::find_if(commands.begin(), commands.end(),
                              [&](const Command& c) { return c.name == args[0]; });
    if (known == commands.end()) {
      err << "merezha: unknown command \"" << args[0] << "\": expected one of " << joined(commands)
          << "; see merezha --help.\n";
      return 2;
    }
    command = args[0];
  }
  const std::string who = command.empty() ? "merezha" : "merezha " + command;
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e, out, err);  // --help, --version
    err << who << ": " << one_line(e.what()) << "; see " << who << " --help.\n";
    return 2;
  }
  const std::string chosen = app.get_subcommands().at(0)->get_name();
  auto it = std::find_if(commands.begin(), commands.end(),
                         [&](const Command& c) { return c.name == chosen; });
  // mz::apps and others may already name the command: "merezha demo: unknown demo ...".
  const std::string prefix = "merezha " + chosen + ": ";
  auto report = [&](const std::exception& e) {
    std::string message = one_line(e.what());
    if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
    out.flush();
    err << prefix << message;
  };
  try {
    return it->run(out);
  } catch (const UsageError& e) {
    report(e);
    err << "; see merezha " << chosen << " --help.\n";
    return 2;
  } catch (const std::exception& e) {
    report(e);
    err << "\n";
  } catch (...) {
    out.flush();
    err << prefix << "failed with an exception that is not a std::exception.\n";
  }
  return 1;
}

}  // namespace mz::cli
