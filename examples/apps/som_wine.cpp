// Clustering: a Kohonen self-organising map on Wine (178 wines, 13 z-scored measurements, 3
// cultivars); U-matrix, hit map and class map. Figure of merit: cluster purity, the share of
// wines whose map unit's majority cultivar is their own.
#include <ostream>

#include "examples/apps/som_map.h"

namespace mz::apps {

DemoResult som_wine(const DemoOptions& options, std::ostream& out) {
  const std::string name = "som_wine";
  check_params(name, options, {"steps", "sigma", "rows", "cols"});
  const auto steps =
      static_cast<int64_t>(param(name, options, "steps", options.quick ? 1000 : 5000));
  const double sigma = param(name, options, "sigma", 1.5);
  const auto rows = static_cast<int64_t>(param(name, options, "rows", 8));
  const auto cols = static_cast<int64_t>(param(name, options, "cols", 8));
  LabelledData wine = read_sklearn_csv(find_data_file(options, "wine_data.csv"));
  standardize(wine.x);
  DemoResult result;
  const SomReport report = run_map(name, wine, rows, cols, sigma, steps, options, out, result);
  result.figure_of_merit = "cluster purity";
  result.value = report.purity;
  result.passed = report.purity >= 0.95;
  return result;
}

}  // namespace mz::apps
