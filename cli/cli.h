// The merezha command as a function, so tests run it in process: parses the arguments with
// CLI11, runs the chosen subcommand, and turns every error into one line and an exit code.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace mz::cli {

// Runs `merezha <args...>` (args without the program name; program_path is argv[0]). Help and
// reports go to `out`; an error is one line "merezha <command>: <message>" on `err`. Returns
// 0 on success, 2 for a usage error (unknown command or option, missing argument), 1 for a
// failure (missing or malformed file, unknown layer, shapes that disagree, ...).
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const std::string& program_path = "merezha");

}  // namespace mz::cli
