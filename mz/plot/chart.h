// General SVG charts as plain text (no dependency): line charts for training curves and
// traces, confusion matrices, and an atomic text-file writer. Start with line_chart_svg.
// Scatter plots and decision regions are in mz/plot/scatter.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mz::plot {

// One named line: points (x[i], y[i]) joined in order.
struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
};

// Title, axis labels, a logarithmic y axis, and the picture's size in pixels.
struct ChartOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_y = false;
  int width = 720;
  int height = 440;
};

// Lines with axes, ticks and a legend (one entry per series, in order). NaN/inf points (and
// points with y <= 0 when log_y) are skipped and break the line there. The axes span the finite
// points, widened to round ticks; the plot group carries data-x-min/max, data-y-min/max.
// Throws ValueError on no series, mismatched x/y lengths, or a size under 160 x 120.
std::string line_chart_svg(const std::vector<Series>& series, const ChartOptions& options);

// A (k, k) matrix of counts (row = true class, column = predicted class) with row/column
// labels and the count in every cell, shaded by its share of the row. Throws ValueError when
// the matrix is not square, is empty, holds a negative count, or labels are not k.
std::string confusion_matrix_svg(const std::vector<std::vector<int64_t>>& counts,
                                 const std::vector<std::string>& labels, const std::string& title);

// Writes text to path atomically (a temporary file beside it, then rename); throws IoError
// naming the path when the directory or file cannot be written.
void write_text_file(const std::string& path, const std::string& text);

// The SVG-escaped form of text (&, <, >, ").
std::string escape_xml(const std::string& text);

// The colour of the i-th series ("#1f77b4", ...: ten colours, then repeating).
std::string series_colour(std::size_t i);

}  // namespace mz::plot
