// Scatter plots and decision regions (see scatter.h); the frame, ticks and legend come from
// detail/svg_text.h, so these pictures look like line_chart_svg's.
#include "mz/plot/scatter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "mz/core/error.h"
#include "mz/plot/detail/svg_text.h"

namespace mz::plot {

namespace {

using detail::Axis;
using detail::fmt;
using detail::Frame;

void check_points(const char* who, const LabelledPoints& p, std::size_t classes, const char* what) {
  if (p.x.size() != p.y.size() || p.x.size() != p.label.size())
    throw ValueError(mz::str(who, ": ", what,
                             " x, y and label lengths differ: expected equal, got ", p.x.size(),
                             ", ", p.y.size(), " and ", p.label.size(), "."));
  for (std::size_t i = 0; i < p.label.size(); ++i)
    if (p.label[i] < 0 || static_cast<std::size_t>(p.label[i]) >= classes)
      throw ValueError(mz::str(who, ": ", what, " label[", i, "] is out of range: expected 0 to ",
                               static_cast<int64_t>(classes) - 1, ", got ", p.label[i], "."));
}

void check_options(const char* who, const ChartOptions& o) {
  if (o.log_y)
    throw ValueError(mz::str(who, ": log_y is not supported: expected false, got true."));
  if (o.width < 160 || o.height < 120)
    throw ValueError(mz::str(who, ": size too small: expected at least 160 x 120, got ", o.width,
                             " x ", o.height, "."));
}

// The colour c mixed with white: share 1 is c itself.
std::string tint(const std::string& c, double share) {
  int rgb[3];
  for (int k = 0; k < 3; ++k) rgb[k] = std::stoi(c.substr(1 + 2 * k, 2), nullptr, 16);
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x",
                static_cast<int>(std::lround(255 - (255 - rgb[0]) * share)),
                static_cast<int>(std::lround(255 - (255 - rgb[1]) * share)),
                static_cast<int>(std::lround(255 - (255 - rgb[2]) * share)));
  return buf;
}

Frame frame_for(const ChartOptions& o) {
  Frame f{64, o.title.empty() ? 14.0 : 34.0, o.width - 64 - 16.0, 0};
  f.height = o.height - f.top - (o.x_label.empty() ? 30 : 46);
  return f;
}

// Ticks inside [lo, hi] at a 1-2-5 step, the axis keeping exactly [lo, hi].
Axis exact_axis(double lo, double hi) {
  Axis nice = detail::nice_axis(lo, hi, 6);
  Axis a{lo, hi, {}};
  for (double t : nice.ticks)
    if (t >= lo - 1e-9 * (hi - lo) && t <= hi + 1e-9 * (hi - lo)) a.ticks.push_back(t);
  return a;
}

std::string points_svg(const Frame& f, const Axis& ax, const Axis& ay, const LabelledPoints& p,
                       const LabelledPoints& marked) {
  std::ostringstream o;
  o << "<g class=\"points\" stroke=\"white\" stroke-width=\"0.6\">\n";
  for (std::size_t i = 0; i < p.x.size(); ++i) {
    if (!std::isfinite(p.x[i]) || !std::isfinite(p.y[i])) continue;
    o << "<circle cx=\"" << fmt(f.px(p.x[i], ax)) << "\" cy=\"" << fmt(f.py(p.y[i], ay))
      << "\" r=\"3.5\" fill=\"" << series_colour(p.label[i]) << "\"/>\n";
  }
  o << "</g>\n";
  if (!marked.x.empty()) {
    o << "<g class=\"marked\" stroke=\"black\" stroke-width=\"1.2\">\n";
    for (std::size_t i = 0; i < marked.x.size(); ++i) {
      if (!std::isfinite(marked.x[i]) || !std::isfinite(marked.y[i])) continue;
      const double cx = f.px(marked.x[i], ax), cy = f.py(marked.y[i], ay), r = 7;
      o << "<polygon points=\"" << fmt(cx) << "," << fmt(cy - r) << " " << fmt(cx + r) << ","
        << fmt(cy) << " " << fmt(cx) << "," << fmt(cy + r) << " " << fmt(cx - r) << "," << fmt(cy)
        << "\" fill=\"" << series_colour(marked.label[i]) << "\"/>\n";
    }
    o << "</g>\n";
  }
  return o.str();
}

std::string finish(const Frame& f, const std::vector<std::string>& names) {
  std::vector<std::string> colours;
  for (std::size_t i = 0; i < names.size(); ++i) colours.push_back(series_colour(i));
  return detail::legend_svg(f, names, colours) + "</svg>\n";
}

}  // namespace

std::string scatter_svg(const LabelledPoints& points, const std::vector<std::string>& class_names,
                        const ChartOptions& options, const LabelledPoints& marked) {
  check_options("scatter_svg", options);
  check_points("scatter_svg", points, class_names.size(), "points");
  check_points("scatter_svg", marked, class_names.size(), "marked");
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const LabelledPoints* p : {&points, &marked})
    for (std::size_t i = 0; i < p->x.size(); ++i)
      if (std::isfinite(p->x[i]) && std::isfinite(p->y[i])) {
        x_lo = std::min(x_lo, p->x[i]), x_hi = std::max(x_hi, p->x[i]);
        y_lo = std::min(y_lo, p->y[i]), y_hi = std::max(y_hi, p->y[i]);
      }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  const Axis ax = detail::nice_axis(x_lo, x_hi, 6), ay = detail::nice_axis(y_lo, y_hi, 5);
  const Frame f = frame_for(options);
  std::ostringstream o;
  o << detail::svg_open(options.width, options.height, options.title)
    << detail::axes_svg(f, ax, ay, false, options.x_label, options.y_label)
    << points_svg(f, ax, ay, points, marked) << finish(f, class_names);
  return o.str();
}

std::string decision_regions_svg(const RegionGrid& grid, const LabelledPoints& points,
                                 const std::vector<std::string>& class_names,
                                 const ChartOptions& options, const LabelledPoints& marked) {
  const char* who = "decision_regions_svg";
  check_options(who, options);
  if (grid.classes.empty() || grid.classes[0].empty())
    throw ValueError(
        "decision_regions_svg: the grid is empty: expected (rows, cols) classes, got "
        "none.");
  const std::size_t rows = grid.classes.size(), cols = grid.classes[0].size();
  for (std::size_t r = 0; r < rows; ++r) {
    if (grid.classes[r].size() != cols)
      throw ValueError(mz::str(who, ": the grid is ragged: expected ", cols, " cells in row ", r,
                               ", got ", grid.classes[r].size(), "."));
    for (int c : grid.classes[r])
      if (c < 0 || static_cast<std::size_t>(c) >= class_names.size())
        throw ValueError(mz::str(who, ": grid class out of range: expected 0 to ",
                                 static_cast<int64_t>(class_names.size()) - 1, ", got ", c, "."));
  }
  if (!(grid.x_hi > grid.x_lo) || !(grid.y_hi > grid.y_lo))
    throw ValueError(mz::str(who, ": empty range: expected x_lo < x_hi and y_lo < y_hi, got [",
                             grid.x_lo, ", ", grid.x_hi, "] x [", grid.y_lo, ", ", grid.y_hi,
                             "]."));
  check_points(who, points, class_names.size(), "points");
  check_points(who, marked, class_names.size(), "marked");
  const Axis ax = exact_axis(grid.x_lo, grid.x_hi), ay = exact_axis(grid.y_lo, grid.y_hi);
  const Frame f = frame_for(options);
  const double cw = f.width / cols, ch = f.height / rows;
  std::ostringstream o;
  o << detail::svg_open(options.width, options.height, options.title);
  o << "<g class=\"regions\" data-rows=\"" << rows << "\" data-cols=\"" << cols
    << "\" shape-rendering=\"crispEdges\">\n";
  for (std::size_t r = 0; r < rows; ++r) {
    // Runs of equal class in a row become one rectangle.
    for (std::size_t c = 0; c < cols;) {
      std::size_t end = c + 1;
      while (end < cols && grid.classes[r][end] == grid.classes[r][c]) ++end;
      o << "<rect x=\"" << fmt(f.left + c * cw) << "\" y=\"" << fmt(f.top + f.height - (r + 1) * ch)
        << "\" width=\"" << fmt((end - c) * cw + 0.3) << "\" height=\"" << fmt(ch + 0.3)
        << "\" fill=\"" << tint(series_colour(grid.classes[r][c]), 0.28) << "\"/>\n";
      c = end;
    }
  }
  o << "</g>\n";
  o << detail::axes_svg(f, ax, ay, false, options.x_label, options.y_label)
    << points_svg(f, ax, ay, points, marked) << finish(f, class_names);
  return o.str();
}

}  // namespace mz::plot
