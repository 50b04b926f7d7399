// The applications of issue 7 as a library: each demo trains or runs a network on real data,
// writes its SVG figures to out_dir and returns its figure of merit. `merezha demo NAME` and
// `merezha-demo NAME` call run_demo; demos() lists them in lecture order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace mz::apps {

// How a demo runs: where its figures go, a reduced CI run, the data folder, overrides.
struct DemoOptions {
  std::string out_dir = ".";                  // where figures (SVG) and outputs go
  bool quick = false;                         // reduced run for CI (seconds, not minutes)
  std::string data_dir;                       // empty: the defaults (examples/data, Debian paths)
  std::map<std::string, std::string> params;  // --set key=value overrides
  uint64_t seed = 42;
};

// What a demo reports: the name of its figure of merit and its value, whether the stated bar
// (the quick one in quick mode) was met, and the files it wrote.
struct DemoResult {
  std::string figure_of_merit;
  double value = 0;
  bool passed = false;
  std::vector<std::string> files;
};

// A runnable application: its name for `merezha demo NAME`, a one-line summary, the code.
struct Demo {
  std::string name;
  std::string summary;
  std::function<DemoResult(const DemoOptions&, std::ostream&)> run;
};

// Every demo, in lecture order (classification, clustering, approximation, forecasting,
// optimisation, associative memory, control).
const std::vector<Demo>& demos();

// Runs one demo, printing its progress and figure of merit to out. Throws mz::ValueError
// "merezha demo: unknown demo 'x': expected one of a, b, ..." for a name not in demos().
DemoResult run_demo(const std::string& name, const DemoOptions& options, std::ostream& out);

}  // namespace mz::apps
