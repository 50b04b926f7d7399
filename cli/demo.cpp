// merezha demo NAME | --list: the applications of examples/apps (mz::apps::run_demo), each
// writing its figures and printing its figure of merit. Without the demos library
// (MZ_BUILD_EXAMPLES=OFF) the command says so.
#include <map>
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "mz/core/error.h"
#if MZ_HAVE_APPS
#include "examples/apps/demos.h"
#endif

namespace mz::cli {
namespace {

struct DemoArgs {
  std::string name;
  bool list = false;
  bool quick = false;
  std::string out_dir = ".";
  std::string data_dir;
  std::vector<std::string> params;
  uint64_t seed = 42;
};

int run_demo_command(const DemoArgs& args, std::ostream& out) {
  if (args.name.empty() && !args.list) throw UsageError("a demo NAME or --list is required");
#if MZ_HAVE_APPS
  if (args.list) {
    for (const apps::Demo& d : apps::demos()) out << d.name << "  " << d.summary << "\n";
    return 0;
  }
  apps::DemoOptions options{
      .out_dir = args.out_dir, .quick = args.quick, .data_dir = args.data_dir, .seed = args.seed};
  for (const std::string& p : args.params) {
    std::size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(str("--set \"", p, "\": expected key=value"));
    options.params[p.substr(0, eq)] = p.substr(eq + 1);
  }
  bool known = false;
  std::string names;
  for (const apps::Demo& d : apps::demos()) {
    known = known || d.name == args.name;
    names += (names.empty() ? "" : ", ") + d.name;
  }
  if (!known) throw UsageError(str("unknown demo '", args.name, "': expected one of ", names));
  apps::DemoResult result = apps::run_demo(args.name, options, out);
  out << result.figure_of_merit << ": " << result.value << "\n";
  for (const std::string& f : result.files) out << "wrote " << f << "\n";
  if (!result.passed)
    throw ValueError(str(args.name, ": ", result.figure_of_merit, " = ", result.value,
                         " did not reach the demo's bar."));
  return 0;
#else
  (void)out;
  throw BackendError("merezha was built without the demos (MZ_BUILD_EXAMPLES=OFF).");
#endif
}

}  // namespace

void add_demo_command(CLI::App& app, std::vector<Command>& commands) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* sub = app.add_subcommand(
      "demo",
      "Run one of the applications (classification, clustering, approximation, "
      "forecasting, optimisation, associative memory, control); --list names them.");
  sub->add_option("NAME", args->name, "the demo to run");
  sub->add_flag("--list", args->list, "list the demos with a line about each");
  sub->add_flag("--quick", args->quick, "a reduced run (seconds, not minutes)");
  sub->add_option("--out", args->out_dir, "where figures and outputs go")->capture_default_str();
  sub->add_option("--data-dir", args->data_dir,
                  "where the data files are (default: "
                  "examples/data and Debian's paths)");
  sub->add_option("--set", args->params, "a demo parameter: --set key=value")
      ->allow_extra_args(false);
  sub->add_option("--seed", args->seed, "the random seed")->capture_default_str();
  commands.push_back({"demo", [args](std::ostream& out) { return run_demo_command(*args, out); }});
}

}  // namespace mz::cli
