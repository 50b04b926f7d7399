// The map run shared by the SOM demos (see som_map.h).
#include "examples/apps/som_map.h"

#include <algorithm>

#include "mz/classic/som.h"
#include "mz/classic/svg.h"
#include "mz/plot/scatter.h"

namespace mz::apps {

SomReport run_map(const std::string& name, const LabelledData& data, int64_t rows, int64_t cols,
                  double sigma, int64_t steps, const DemoOptions& options, std::ostream& out,
                  DemoResult& result) {
  const Tensor x = to_tensor(data.x);
  classic::SelfOrganizingMap som(rows, cols, x.size(1),
                                 {.sigma = sigma, .learning_rate = 0.5, .seed = options.seed});
  som.pca_init(x);
  som.train(x, {.steps = steps, .order = "random"});
  SomReport report;
  report.quantization_error = som.quantization_error(x);
  report.topographic_error = som.topographic_error(x);

  // Majority class per unit; purity counts the samples that agree with their unit's class.
  const int k = static_cast<int>(data.classes.size());
  const std::vector<int64_t> winners = som.winners(x);
  std::vector<std::vector<int>> votes(rows * cols, std::vector<int>(k, 0));
  for (std::size_t i = 0; i < winners.size(); ++i) ++votes[winners[i]][data.y[i]];
  std::vector<int> majority(rows * cols, -1);
  int agree = 0;
  for (int64_t u = 0; u < rows * cols; ++u) {
    const auto best = std::max_element(votes[u].begin(), votes[u].end());
    if (*best > 0) majority[u] = static_cast<int>(best - votes[u].begin()), agree += *best;
  }
  report.purity = static_cast<double>(agree) / winners.size();
  out << name << ": " << rows << "x" << cols << " map, sigma " << sigma << ", " << steps
      << " steps: quantisation error " << report.quantization_error << ", topographic error "
      << report.topographic_error << ", cluster purity " << report.purity << "\n";

  write_output(options, name + "_umatrix.svg",
               classic::grid_svg(som.u_matrix(), name + ": U-matrix (dark = far from neighbours)"),
               result);
  write_output(
      options, name + "_hits.svg",
      classic::grid_svg(som.hit_map(x), name + ": hit map (samples per unit)", false, true),
      result);
  // The class map: each unit painted with its majority class (units without hits take their
  // nearest labelled neighbour's), the samples' winners jittered on top.
  plot::RegionGrid grid{0, static_cast<double>(cols), 0, static_cast<double>(rows), {}};
  grid.classes.assign(rows, std::vector<int>(cols, 0));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      int64_t unit = r * cols + c, best = -1;
      double best_d = 1e300;
      for (int64_t v = 0; v < rows * cols; ++v)
        if (majority[v] >= 0 && som.grid_distance(unit, v) < best_d)
          best_d = som.grid_distance(unit, v), best = v;
      grid.classes[rows - 1 - r][c] = best >= 0 ? majority[best] : 0;
    }
  plot::LabelledPoints points;
  for (std::size_t i = 0; i < winners.size(); ++i) {
    const double jx = 0.15 + 0.7 * ((i * 37) % 11) / 10.0, jy = 0.15 + 0.7 * ((i * 53) % 7) / 6.0;
    points.x.push_back(static_cast<double>(winners[i] % cols) + jx);
    points.y.push_back(static_cast<double>(rows - 1 - winners[i] / cols) + jy);
    points.label.push_back(data.y[i]);
  }
  write_output(
      options, name + "_classes.svg",
      plot::decision_regions_svg(grid, points, data.classes,
                                 {.title = name + ": class map (purity " +
                                           std::to_string(report.purity).substr(0, 5) + ")",
                                  .x_label = "map column",
                                  .y_label = "map row",
                                  .width = 560,
                                  .height = 520}),
      result);
  return report;
}

}  // namespace mz::apps
