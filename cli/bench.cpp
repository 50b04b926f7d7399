// merezha bench [ARGS...]: runs merezha-bench from the merezha program's own folder, passing
// the arguments on (the process is replaced, so its exit code is the command's).
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <ostream>

#include "cli/commands.h"
#include "mz/core/error.h"

namespace mz::cli {
namespace {

// The folder of the running program (/proc/self/exe; argv[0] when that cannot be read).
std::filesystem::path program_dir(const std::string& program_path) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = std::filesystem::absolute(program_path, ec);
  return self.parent_path();
}

int run_bench(const std::vector<std::string>& args, const Context& context, std::ostream& out) {
  std::filesystem::path bench = program_dir(context.program_path) / "merezha-bench";
  std::error_code ec;
  if (!std::filesystem::exists(bench, ec))
    throw IoError(str("merezha-bench is not beside merezha (", bench.string(),
                      "): build it with -DMZ_BUILD_BENCH=ON (ninja merezha-bench)."));
  std::vector<std::string> argv_text{"merezha-bench"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  out.flush();
  execv(bench.c_str(), argv.data());
  throw IoError(str("cannot start ", bench.string(), ": ", std::strerror(errno), "."));
}

}  // namespace

void add_bench_command(CLI::App& app, std::vector<Command>& commands, const Context& context) {
  auto args = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand(
      "bench",
      "Run merezha-bench (w0|w1|w2|w3|w4|w5|all and its options; see merezha bench -- "
      "--help) from the folder merezha is in.");
  sub->add_option("ARGS", *args, "passed to merezha-bench unchanged (put -- before options)");
  commands.push_back(
      {"bench", [args, context](std::ostream& out) { return run_bench(*args, context, out); }});
}

}  // namespace mz::cli
