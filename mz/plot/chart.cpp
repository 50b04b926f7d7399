// Line charts, confusion matrices and the atomic text writer (see chart.h). Ticks follow the
// 1-2-5 rule; coordinates are written with two decimals to keep the files small.
#include "mz/plot/chart.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "mz/core/error.h"
#include "mz/plot/detail/svg_text.h"

namespace mz::plot {

std::string escape_xml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string series_colour(std::size_t i) {
  static const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kColours[i % 10];
}

namespace detail {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string tick_label(double v) {
  if (std::abs(v) < 1e-12) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

Axis nice_axis(double lo, double hi, int target) {
  if (!(hi > lo)) {
    const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  Axis axis;
  axis.lo = std::floor(lo / step + 1e-9) * step;
  axis.hi = std::ceil(hi / step - 1e-9) * step;
  for (double t = axis.lo; t <= axis.hi + step * 1e-6; t += step)
    axis.ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  return axis;
}

Axis log_axis(double lo, double hi) {
  double e_lo = std::floor(std::log10(lo)), e_hi = std::ceil(std::log10(hi));
  if (e_hi <= e_lo) e_hi = e_lo + 1;
  const double step = std::max(1.0, std::ceil((e_hi - e_lo) / 8));
  Axis axis{e_lo, e_hi, {}};
  for (double e = e_lo; e <= e_hi + 1e-9; e += step) axis.ticks.push_back(e);
  return axis;
}

std::string svg_open(double width, double height, const std::string& title) {
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << width << " " << height << "\" font-family=\"sans-serif\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!title.empty())
    o << "<text x=\"" << fmt(width / 2) << "\" y=\"20\" font-size=\"15\" text-anchor=\"middle\">"
      << escape_xml(title) << "</text>\n";
  return o.str();
}

std::string axes_svg(const Frame& f, const Axis& x, const Axis& y, bool log_y,
                     const std::string& x_label, const std::string& y_label) {
  std::ostringstream o;
  o << "<g class=\"axes\" font-size=\"11\">\n";
  o << "<rect x=\"" << fmt(f.left) << "\" y=\"" << fmt(f.top) << "\" width=\"" << fmt(f.width)
    << "\" height=\"" << fmt(f.height) << "\" fill=\"none\" stroke=\"#333\"/>\n";
  for (double t : x.ticks) {
    const double px = f.px(t, x);
    o << "<line x1=\"" << fmt(px) << "\" y1=\"" << fmt(f.top) << "\" x2=\"" << fmt(px) << "\" y2=\""
      << fmt(f.top + f.height) << "\" stroke=\"#e5e5e5\"/>\n"
      << "<text x=\"" << fmt(px) << "\" y=\"" << fmt(f.top + f.height + 15)
      << "\" text-anchor=\"middle\">" << tick_label(t) << "</text>\n";
  }
  for (double t : y.ticks) {
    const double py = f.py(t, y);
    o << "<line x1=\"" << fmt(f.left) << "\" y1=\"" << fmt(py) << "\" x2=\""
      << fmt(f.left + f.width) << "\" y2=\"" << fmt(py) << "\" stroke=\"#e5e5e5\"/>\n"
      << "<text x=\"" << fmt(f.left - 6) << "\" y=\"" << fmt(py + 4) << "\" text-anchor=\"end\">"
      << (log_y ? "1e" + tick_label(t) : tick_label(t)) << "</text>\n";
  }
  if (!x_label.empty())
    o << "<text x=\"" << fmt(f.left + f.width / 2) << "\" y=\"" << fmt(f.top + f.height + 34)
      << "\" font-size=\"12\" text-anchor=\"middle\">" << escape_xml(x_label) << "</text>\n";
  if (!y_label.empty()) {
    const double cx = 16, cy = f.top + f.height / 2;
    o << "<text x=\"" << fmt(cx) << "\" y=\"" << fmt(cy) << "\" font-size=\"12\""
      << " text-anchor=\"middle\" transform=\"rotate(-90 " << fmt(cx) << " " << fmt(cy) << ")\">"
      << escape_xml(y_label) << "</text>\n";
  }
  o << "</g>\n";
  return o.str();
}

std::string legend_svg(const Frame& f, const std::vector<std::string>& names,
                       const std::vector<std::string>& colours) {
  std::size_t longest = 0;
  for (const auto& n : names) longest = std::max(longest, n.size());
  const double w = 34 + 6.5 * static_cast<double>(longest), h = 8 + 16.0 * names.size();
  const double x0 = f.left + f.width - w - 8, y0 = f.top + 8;
  std::ostringstream o;
  o << "<g class=\"legend\" font-size=\"11\">\n<rect x=\"" << fmt(x0) << "\" y=\"" << fmt(y0)
    << "\" width=\"" << fmt(w) << "\" height=\"" << fmt(h)
    << "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>\n";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double y = y0 + 12 + 16.0 * i;
    o << "<line x1=\"" << fmt(x0 + 6) << "\" y1=\"" << fmt(y) << "\" x2=\"" << fmt(x0 + 24)
      << "\" y2=\"" << fmt(y) << "\" stroke=\"" << colours[i] << "\" stroke-width=\"3\"/>\n"
      << "<text x=\"" << fmt(x0 + 28) << "\" y=\"" << fmt(y + 4) << "\">" << escape_xml(names[i])
      << "</text>\n";
  }
  o << "</g>\n";
  return o.str();
}

}  // namespace detail

using detail::Axis;
using detail::fmt;
using detail::Frame;

std::string line_chart_svg(const std::vector<Series>& series, const ChartOptions& options) {
  if (series.empty()) throw ValueError("line_chart_svg: no series: expected at least one, got 0.");
  for (const Series& s : series)
    if (s.x.size() != s.y.size())
      throw ValueError(mz::str("line_chart_svg: series '", s.name,
                               "': x and y lengths differ: expected equal, got ", s.x.size(),
                               " and ", s.y.size(), "."));
  if (options.width < 160 || options.height < 120)
    throw ValueError(mz::str("line_chart_svg: size too small: expected at least 160 x 120, got ",
                             options.width, " x ", options.height, "."));
  auto usable = [&](double x, double y) {
    return std::isfinite(x) && std::isfinite(y) && (!options.log_y || y > 0);
  };
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const Series& s : series)
    for (std::size_t i = 0; i < s.x.size(); ++i)
      if (usable(s.x[i], s.y[i])) {
        x_lo = std::min(x_lo, s.x[i]);
        x_hi = std::max(x_hi, s.x[i]);
        y_lo = std::min(y_lo, s.y[i]);
        y_hi = std::max(y_hi, s.y[i]);
      }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = options.log_y ? 1 : 0, y_hi = 10;
  const Axis x_axis = detail::nice_axis(x_lo, x_hi, 6);
  const Axis y_axis =
      options.log_y ? detail::log_axis(y_lo, y_hi) : detail::nice_axis(y_lo, y_hi, 5);
  const double W = options.width, H = options.height;
  const Frame frame{70, options.title.empty() ? 14.0 : 34.0, W - 70 - 18, 0};
  Frame f = frame;
  f.height = H - f.top - (options.x_label.empty() ? 30 : 46);
  auto y_of = [&](double y) { return options.log_y ? std::log10(y) : y; };

  std::ostringstream o;
  o << detail::svg_open(W, H, options.title);
  o << detail::axes_svg(f, x_axis, y_axis, options.log_y, options.x_label, options.y_label);
  o << "<g class=\"plot\" data-x-min=\"" << detail::tick_label(x_axis.lo) << "\" data-x-max=\""
    << detail::tick_label(x_axis.hi) << "\" data-y-min=\"" << (options.log_y ? "1e" : "")
    << detail::tick_label(y_axis.lo) << "\" data-y-max=\"" << (options.log_y ? "1e" : "")
    << detail::tick_label(y_axis.hi) << "\" fill=\"none\""
    << " stroke-width=\"2\">\n";
  std::vector<std::string> names, colours;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const std::string colour = series_colour(k);
    names.push_back(s.name);
    colours.push_back(colour);
    // Contiguous runs of usable points become one polyline each; a lone point becomes a dot.
    std::vector<std::pair<double, double>> run;
    auto flush = [&] {
      if (run.size() == 1)
        o << "<circle cx=\"" << fmt(run[0].first) << "\" cy=\"" << fmt(run[0].second)
          << "\" r=\"2.5\" fill=\"" << colour << "\"/>\n";
      else if (run.size() > 1) {
        o << "<polyline stroke=\"" << colour << "\" points=\"";
        for (std::size_t i = 0; i < run.size(); ++i)
          o << (i ? " " : "") << fmt(run[i].first) << "," << fmt(run[i].second);
        o << "\"/>\n";
      }
      run.clear();
    };
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!usable(s.x[i], s.y[i])) {
        flush();
        continue;
      }
      run.emplace_back(f.px(s.x[i], x_axis), f.py(y_of(s.y[i]), y_axis));
    }
    flush();
  }
  o << "</g>\n";
  o << detail::legend_svg(f, names, colours);
  o << "</svg>\n";
  return o.str();
}

std::string confusion_matrix_svg(const std::vector<std::vector<int64_t>>& counts,
                                 const std::vector<std::string>& labels, const std::string& title) {
  const std::size_t k = counts.size();
  if (k == 0)
    throw ValueError("confusion_matrix_svg: counts is empty: expected (k, k), got (0, 0).");
  for (std::size_t r = 0; r < k; ++r) {
    if (counts[r].size() != k)
      throw ValueError(mz::str("confusion_matrix_svg: counts must be square: expected row ", r,
                               " to have ", k, " entries, got ", counts[r].size(), "."));
    for (std::size_t c = 0; c < k; ++c)
      if (counts[r][c] < 0)
        throw ValueError(mz::str("confusion_matrix_svg: counts[", r, "][", c,
                                 "] is negative: expected >= 0, got ", counts[r][c], "."));
  }
  if (labels.size() != k)
    throw ValueError(mz::str("confusion_matrix_svg: labels must name every class: expected ", k,
                             ", got ", labels.size(), "."));
  std::size_t longest = 0;
  for (const auto& l : labels) longest = std::max(longest, l.size());
  const double cell = 44, label_w = 16 + 6.5 * static_cast<double>(longest);
  const double left = 28 + label_w, top = 40 + label_w;
  const double W = left + cell * k + 16, H = top + cell * k + 36;
  int64_t total = 0, diagonal = 0;
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < k; ++c)
      total += counts[r][c], diagonal += r == c ? counts[r][c] : 0;

  std::ostringstream o;
  o << detail::svg_open(W, H, title);
  o << "<g class=\"matrix\" data-classes=\"" << k << "\" data-total=\"" << total
    << "\" data-correct=\"" << diagonal << "\" font-size=\"11\">\n";
  for (std::size_t r = 0; r < k; ++r) {
    int64_t row_sum = 0;
    for (int64_t v : counts[r]) row_sum += v;
    for (std::size_t c = 0; c < k; ++c) {
      const double share = row_sum > 0 ? static_cast<double>(counts[r][c]) / row_sum : 0.0;
      // White to dark blue by the share of the row (recall per true class).
      const int red = static_cast<int>(std::lround(255 - 222 * share));
      const int green = static_cast<int>(std::lround(255 - 185 * share));
      const int blue = static_cast<int>(std::lround(255 - 75 * share));
      char fill[16];
      std::snprintf(fill, sizeof fill, "#%02x%02x%02x", red, green, blue);
      const double x = left + cell * c, y = top + cell * r;
      o << "<rect x=\"" << fmt(x) << "\" y=\"" << fmt(y) << "\" width=\"" << cell << "\" height=\""
        << cell << "\" fill=\"" << fill << "\" stroke=\"#bbb\"/>\n"
        << "<text x=\"" << fmt(x + cell / 2) << "\" y=\"" << fmt(y + cell / 2 + 4)
        << "\" text-anchor=\"middle\" fill=\"" << (share > 0.5 ? "white" : "black") << "\">"
        << counts[r][c] << "</text>\n";
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    const double mid = cell * i + cell / 2;
    o << "<text x=\"" << fmt(left - 6) << "\" y=\"" << fmt(top + mid + 4)
      << "\" text-anchor=\"end\">" << escape_xml(labels[i]) << "</text>\n";
    const double cx = left + mid, cy = top - 6;
    o << "<text x=\"" << fmt(cx) << "\" y=\"" << fmt(cy) << "\" transform=\"rotate(-60 " << fmt(cx)
      << " " << fmt(cy) << ")\">" << escape_xml(labels[i]) << "</text>\n";
  }
  o << "</g>\n";
  const double cy = top + cell * k / 2;
  o << "<text x=\"14\" y=\"" << fmt(cy) << "\" font-size=\"12\" text-anchor=\"middle\""
    << " transform=\"rotate(-90 14 " << fmt(cy) << ")\">true class</text>\n"
    << "<text x=\"" << fmt(left + cell * k / 2) << "\" y=\"" << fmt(H - 12)
    << "\" font-size=\"12\" text-anchor=\"middle\">predicted class (accuracy "
    << detail::tick_label(total ? std::round(1e4 * diagonal / total) / 1e4 : 0.0)
    << ")</text>\n</svg>\n";
  return o.str();
}

void write_text_file(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path temp = fs::path(path + ".tmp." + std::to_string(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw IoError(mz::str("write_text_file \"", path, "\": cannot open \"", temp.string(),
                            "\" for writing: ", std::strerror(errno), "."));
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(temp, ignored);
      throw IoError(mz::str("write_text_file \"", path, "\": short write."));
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw IoError(mz::str("write_text_file \"", path,
                          "\": cannot rename the temporary file: ", ec.message(), "."));
  }
}

}  // namespace mz::plot
