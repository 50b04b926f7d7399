// SVG pictures for mz::classic (see svg.h).
#include "mz/classic/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "mz/core/error.h"

namespace mz::classic {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

std::string grey(double level) {  // level 0 = white, 1 = black
  const int v = static_cast<int>(std::lround(255.0 * (1.0 - std::clamp(level, 0.0, 1.0))));
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", v, v, v);
  return buf;
}

std::string header(double w, double h, const std::string& title) {
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h << "\" viewBox=\"0 0 " << w
    << " " << h << "\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"8\" y=\"18\" font-family=\"sans-serif\" font-size=\"14\">" << escape(title) << "</text>\n";
  return o.str();
}

}  // namespace

std::string grid_svg(const Tensor& grid, const std::string& title, bool hexagonal, bool labels) {
  if (!grid.defined() || grid.rank() != 2)
    throw ShapeError(str("grid_svg: grid must be (rows, cols): expected rank 2, got ",
                         grid.defined() ? grid.shape() : Shape{}, "."));
  const int64_t rows = grid.size(0), cols = grid.size(1);
  std::vector<double> v = grid.to_vector<double>();
  const double lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
  const double cell = 32, top = 28;
  std::ostringstream o;
  o << header(cols * cell + (hexagonal ? cell / 2 : 0) + 16, rows * cell + top + 8, title);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const double x = 8 + c * cell + (hexagonal && r % 2 ? cell / 2 : 0), y = top + r * cell;
      const double value = v[r * cols + c], level = hi > lo ? (value - lo) / (hi - lo) : 0.0;
      o << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << cell << "\" height=\"" << cell << "\" fill=\""
        << grey(level) << "\" stroke=\"#888\"/>\n";
      if (labels)
        o << "<text x=\"" << x + cell / 2 << "\" y=\"" << y + cell / 2 + 4
          << "\" font-family=\"sans-serif\" font-size=\"10\" text-anchor=\"middle\" fill=\""
          << (level > 0.5 ? "white" : "black") << "\">" << value << "</text>\n";
    }
  o << "</svg>\n";
  return o.str();
}

std::string patterns_svg(const Tensor& patterns, int64_t height, int64_t width, const std::string& title,
                         const std::vector<double>& energy) {
  if (!patterns.defined() || patterns.rank() != 2 || patterns.size(1) != height * width)
    throw ShapeError(str("patterns_svg: patterns must be (n, height * width) = (n, ", height * width, "), got ",
                         patterns.defined() ? patterns.shape() : Shape{}, "."));
  const int64_t n = patterns.size(0);
  std::vector<double> v = patterns.to_vector<double>();
  const double px = 10, gap = 14, top = 28, plot_h = energy.empty() ? 0 : 90;
  const double w = std::max(n * (width * px + gap) + 16, 240.0), h = top + height * px + 12 + plot_h;
  std::ostringstream o;
  o << header(w, h, title);
  for (int64_t k = 0; k < n; ++k)
    for (int64_t r = 0; r < height; ++r)
      for (int64_t c = 0; c < width; ++c)
        o << "<rect x=\"" << 8 + k * (width * px + gap) + c * px << "\" y=\"" << top + r * px << "\" width=\"" << px
          << "\" height=\"" << px << "\" fill=\"" << (v[k * height * width + r * width + c] > 0 ? "black" : "white")
          << "\" stroke=\"#ccc\"/>\n";
  if (!energy.empty()) {
    const double lo = *std::min_element(energy.begin(), energy.end()),
                 hi = *std::max_element(energy.begin(), energy.end());
    const double y0 = top + height * px + 20, pw = w - 24;
    o << "<text x=\"8\" y=\"" << y0 - 4 << "\" font-family=\"sans-serif\" font-size=\"11\">energy " << energy.front()
      << " -&gt; " << energy.back() << "</text>\n<polyline fill=\"none\" stroke=\"#c00\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < energy.size(); ++i) {
      const double x = 8 + (energy.size() > 1 ? pw * i / (energy.size() - 1.0) : 0);
      const double y = y0 + 60 * (hi > lo ? (hi - energy[i]) / (hi - lo) : 0.5);
      o << x << "," << y << " ";
    }
    o << "\"/>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string tour_svg(const Tensor& cities, const std::vector<int64_t>& tour, const std::string& title) {
  if (!cities.defined() || cities.rank() != 2 || cities.size(1) != 2)
    throw ShapeError(str("tour_svg: cities must be (n, 2): expected (n, 2), got ",
                         cities.defined() ? cities.shape() : Shape{}, "."));
  const int64_t n = cities.size(0);
  std::vector<double> c = cities.to_vector<double>();
  const double size = 300, top = 28;
  auto sx = [&](double x) { return 10 + x * size; };
  auto sy = [&](double y) { return top + (1 - y) * size; };
  std::ostringstream o;
  o << header(size + 20, size + top + 10, title);
  if (!tour.empty()) {
    o << "<polygon fill=\"none\" stroke=\"#06c\" stroke-width=\"2\" points=\"";
    for (int64_t city : tour) {
      if (city < 0 || city >= n)
        throw ValueError(str("tour_svg: tour entries must be city indices: expected 0..", n - 1, ", got ", city, "."));
      o << sx(c[city * 2]) << "," << sy(c[city * 2 + 1]) << " ";
    }
    o << "\"/>\n";
  }
  for (int64_t k = 0; k < n; ++k)
    o << "<circle cx=\"" << sx(c[k * 2]) << "\" cy=\"" << sy(c[k * 2 + 1]) << "\" r=\"4\" fill=\"black\"/>\n";
  o << "</svg>\n";
  return o.str();
}

void write_svg(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw IoError(str("write_svg \"", path, "\": cannot open the file for writing."));
  out << text;
  if (!out) throw IoError(str("write_svg \"", path, "\": short write."));
}

}  // namespace mz::classic
