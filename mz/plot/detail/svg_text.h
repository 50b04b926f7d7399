// Internal helpers shared by the mz/plot pictures: number formatting, 1-2-5 axis ticks, the
// plot frame's data-to-pixel mapping, and the SVG header, axes and legend writers.
#pragma once

#include <string>
#include <vector>

namespace mz::plot::detail {

// An axis range [lo, hi] and its tick positions (for a log axis: exponents of ten).
struct Axis {
  double lo = 0;
  double hi = 1;
  std::vector<double> ticks;
};

// The plot area in pixels and the map from data to pixels (y grows downwards).
struct Frame {
  double left = 0;
  double top = 0;
  double width = 0;
  double height = 0;
  double px(double x, const Axis& a) const { return left + (x - a.lo) / (a.hi - a.lo) * width; }
  double py(double y, const Axis& a) const {
    return top + height - (y - a.lo) / (a.hi - a.lo) * height;
  }
};

// v with two decimals (pixel coordinates).
std::string fmt(double v);
// v with up to six significant digits, -0 and round-off near zero printed as 0.
std::string tick_label(double v);
// [lo, hi] widened to multiples of a 1-2-5 step giving about `target` intervals.
Axis nice_axis(double lo, double hi, int target);
// Whole decades around [lo, hi] (both > 0); ticks are exponents.
Axis log_axis(double lo, double hi);
// The <svg> opening tag, a white background and the centred title (empty: none).
std::string svg_open(double width, double height, const std::string& title);
// The frame, grid lines, tick labels and axis labels.
std::string axes_svg(const Frame& f, const Axis& x, const Axis& y, bool log_y,
                     const std::string& x_label, const std::string& y_label);
// A legend box in the frame's top-right corner: a coloured line and a name per entry.
std::string legend_svg(const Frame& f, const std::vector<std::string>& names,
                       const std::vector<std::string>& colours);

}  // namespace mz::plot::detail
