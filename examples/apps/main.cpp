// merezha-demo NAME [--quick] [--out DIR] [--data DIR] [--seed N] [--set KEY=VALUE]... | --list:
// runs one application of examples/apps and prints its figure of merit (--data-dir = --data).
// Exit status: 0 when the demo met its bar, 1 when it did not or failed, 2 for usage errors.
#include <cstdio>
#include <iostream>
#include <string>

#include "examples/apps/demos.h"
#include "mz/core/error.h"

namespace {

const char* kUsage =
    "usage: merezha-demo NAME [--quick] [--out DIR] [--data DIR] [--seed N] [--set KEY=VALUE]...\n"
    "       merezha-demo --list\n";

void list_demos() {
  for (const mz::apps::Demo& demo : mz::apps::demos())
    std::cout << demo.name << std::string(demo.name.size() < 18 ? 18 - demo.name.size() : 1, ' ')
              << demo.summary << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  mz::apps::DemoOptions options;
  std::string name;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw mz::ValueError(mz::str("merezha-demo: ", arg, " needs a value."));
        return argv[++i];
      };
      if (arg == "--help" || arg == "-h") {
        std::cout << kUsage << "\ndemos:\n";
        list_demos();
        return 0;
      } else if (arg == "--list") {
        list_demos();
        return 0;
      } else if (arg == "--quick") {
        options.quick = true;
      } else if (arg == "--out") {
        options.out_dir = value();
      } else if (arg == "--data" || arg == "--data-dir") {
        options.data_dir = value();
      } else if (arg == "--seed") {
        const std::string v = value();
        std::size_t used = 0;
        options.seed = std::stoull(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
      } else if (arg == "--set") {
        const std::string kv = value();
        const std::size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
          throw mz::ValueError(mz::str(
              "merezha-demo: --set expects KEY=VALUE: expected e.g. epochs=5, got \"", kv, "\"."));
        options.params[kv.substr(0, eq)] = kv.substr(eq + 1);
      } else if (!arg.empty() && arg[0] == '-') {
        throw mz::ValueError(mz::str("merezha-demo: unknown option ", arg, "; see --help."));
      } else if (name.empty()) {
        name = arg;
      } else {
        throw mz::ValueError(mz::str("merezha-demo: one demo at a time: expected one NAME, got '",
                                     name, "' and '", arg, "'."));
      }
    }
    if (name.empty()) throw mz::ValueError("merezha-demo: no demo named; see --list.");
    bool known = false;
    for (const mz::apps::Demo& demo : mz::apps::demos()) known = known || demo.name == name;
    if (!known) mz::apps::run_demo(name, options, std::cout);  // throws the listing message
  } catch (const std::logic_error&) {
    std::cerr << "merezha-demo: --seed must be a non-negative integer.\n" << kUsage;
    return 2;
  } catch (const mz::Error& e) {
    std::cerr << e.what() << "\n" << kUsage;
    return 2;
  }
  try {
    mz::apps::DemoResult result = mz::apps::run_demo(name, options, std::cout);
    for (const std::string& file : result.files) std::cout << "wrote " << file << "\n";
    std::printf("%s: %s = %.4f (%s bar %s)\n", name.c_str(), result.figure_of_merit.c_str(),
                result.value, options.quick ? "quick" : "full", result.passed ? "met" : "NOT met");
    return result.passed ? 0 : 1;
  } catch (const mz::Error& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
