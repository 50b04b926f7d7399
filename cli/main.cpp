// The merezha command: `merezha train SPEC`, evaluate, predict, summary, plot, convert, demo,
// bench (see docs/cli.md). Everything happens in run_cli (cli/cli.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return mz::cli::run_cli(args, std::cout, std::cerr, argv[0]);
}
