// The merezha command's subcommands: each add_*_command declares its options on a CLI11
// subcommand and registers what it runs once the arguments are parsed (one file each).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "mz/core/error.h"

namespace mz::cli {

// A mistake in the command line found after parsing (a missing NAME, a malformed --set):
// reported like CLI11's parse errors, with exit code 2.
class UsageError : public ValueError {
  using ValueError::ValueError;
};

// What a parsed subcommand runs: writes its report to `out`, returns the exit code (0 done,
// 1 failed); throws mz::Error or std::exception on failure (run_cli reports those).
struct Command {
  std::string name;
  std::function<int(std::ostream& out)> run;
};

// Everything a subcommand may need about the running program.
struct Context {
  std::string program_path;  // argv[0] as the program was started
};

void add_train_command(CLI::App& app, std::vector<Command>& commands);
void add_evaluate_command(CLI::App& app, std::vector<Command>& commands);
void add_predict_command(CLI::App& app, std::vector<Command>& commands);
void add_summary_command(CLI::App& app, std::vector<Command>& commands);
void add_plot_command(CLI::App& app, std::vector<Command>& commands);
void add_convert_command(CLI::App& app, std::vector<Command>& commands);
void add_demo_command(CLI::App& app, std::vector<Command>& commands);
void add_bench_command(CLI::App& app, std::vector<Command>& commands, const Context& context);

}  // namespace mz::cli
