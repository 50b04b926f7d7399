// Scatter plots of labelled points and classifier decision regions as SVG text, sharing the
// axes and legend of chart.h. Colours follow series_colour(class).
#pragma once

#include <string>
#include <vector>

#include "mz/plot/chart.h"

namespace mz::plot {

// Points (x[i], y[i]) of class label[i] (0 .. classes - 1).
struct LabelledPoints {
  std::vector<double> x;
  std::vector<double> y;
  std::vector<int> label;
};

// A classifier's answer on a regular grid: classes[r][c] is the class predicted at
// x = x_lo + (c + 0.5) (x_hi - x_lo) / cols, y = y_lo + (r + 0.5) (y_hi - y_lo) / rows
// (row 0 at the bottom).
struct RegionGrid {
  double x_lo = 0;
  double x_hi = 1;
  double y_lo = 0;
  double y_hi = 1;
  std::vector<std::vector<int>> classes;
};

// Points as dots coloured by class with a legend of class_names; `marked` (optional) are drawn
// as larger diamonds with a black outline (prototypes, centres). Throws ValueError when x, y
// and label lengths differ, a label is outside [0, class_names.size()), or options.log_y.
std::string scatter_svg(const LabelledPoints& points, const std::vector<std::string>& class_names,
                        const ChartOptions& options, const LabelledPoints& marked = {});

// The grid painted in light class colours, the axes spanning the grid, and the points (and
// `marked`) on top as in scatter_svg. Throws ValueError for a ragged or empty grid, an empty
// range (x_hi <= x_lo or y_hi <= y_lo), a class outside [0, class_names.size()), and what
// scatter_svg rejects.
std::string decision_regions_svg(const RegionGrid& grid, const LabelledPoints& points,
                                 const std::vector<std::string>& class_names,
                                 const ChartOptions& options, const LabelledPoints& marked = {});

}  // namespace mz::plot
