// Model::summary(): Keras 3's table (drawn by rich with its HEAVY_HEAD box and lines between
// rows), with Keras's column positions and rich's rule for shrinking them into the line.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "mz/core/grad_mode.h"
#include "mz/nn/functional.h"
#include "mz/nn/model.h"

namespace mz {
namespace {

// shutil.get_terminal_size().columns: $COLUMNS, else the terminal on stdout, else 80.
int terminal_columns() {
  if (const char* env = std::getenv("COLUMNS")) {
    int columns = std::atoi(env);
    if (columns > 0) return columns;
  }
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

// 101770 -> "101,770" (Python's f"{n:,}").
std::string with_commas(int64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > (s[0] == '-' ? 1 : 0); i -= 3) s.insert(i, ",");
  return s;
}

// Keras's readable_memory_size: "397.54 KB".
std::string readable_memory_size(double bytes) {
  static const char* const kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  char buf[64];
  for (const char* unit : kUnits) {
    if (bytes / 1024 < 1) {
      std::snprintf(buf, sizeof buf, "%.2f %s", bytes, unit);
      return buf;
    }
    bytes /= 1024;
  }
  std::snprintf(buf, sizeof buf, "%.2f %s", bytes, kUnits[5]);
  return buf;
}

int64_t params_of(const std::vector<VariablePtr>& vars) {
  int64_t n = 0;
  for (const VariablePtr& v : vars) n += v->value.numel();
  return n;
}

double memory_size(const std::vector<VariablePtr>& vars) {
  double bytes = 0;
  for (const VariablePtr& v : vars)
    bytes +=
        static_cast<double>(v->value.numel()) * static_cast<double>(dtype_size(v->value.dtype()));
  return bytes;
}

// Keras's format_shape: "(None, 128)"; note a 1-tuple prints as "(None)".
std::string format_shape(const Shape& shape) {
  std::string s = "(";
  for (int i = 0; i < shape.rank(); ++i) {
    if (i) s += ", ";
    s += shape[i] < 0 ? std::string("None") : std::to_string(shape[i]);
  }
  return s + ")";
}

// The output shape column: "?" before the layer is built (or when its shape is unknown).
std::string output_shape_text(Layer& layer) {
  const std::vector<Shape>& in = layer.build_shapes();
  if (!layer.built() || in.empty()) return "?";
  try {
    if (in.size() == 1) return format_shape(layer.compute_output_shape(in[0]));
    std::vector<Shape> out = layer.compute_output_shapes(in);
    if (out.size() == 1) return format_shape(out[0]);
    std::string s = "[";
    for (std::size_t i = 0; i < out.size(); ++i) s += (i ? ", " : "") + format_shape(out[i]);
    return s + "]";
  } catch (const Error&) {
    return "?";
  }
}

// rich's ratio_reduce with equal ratios: takes `total` off the widths, spread evenly
// (Python's round, half to even: std::nearbyint in the default rounding mode).
void ratio_reduce(int total, std::vector<int>& widths) {
  int remaining = total, ratio_left = static_cast<int>(widths.size());
  for (int& w : widths) {
    int take =
        std::min(w, static_cast<int>(std::nearbyint(static_cast<double>(remaining) / ratio_left)));
    w -= take;
    remaining -= take;
    --ratio_left;
  }
}

// Characters on screen: UTF-8 code points (names are text, the ellipsis is one).
int display_width(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// rich's wrap of a table cell (overflow "ellipsis"): words fill lines greedily; a word longer
// than the line gets a line of its own, cut to width - 1 characters plus "…".
std::vector<std::string> wrap(const std::string& text, int width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find(' ', i);
    std::string word = text.substr(i, j == std::string::npos ? std::string::npos : j - i);
    i = j == std::string::npos ? text.size() : j + 1;
    if (word.empty()) continue;
    if (!line.empty() && display_width(line) + 1 + display_width(word) <= width) {
      line += " " + word;
      continue;
    }
    if (!line.empty()) lines.push_back(line);
    line = word;
    if (display_width(line) > width) {
      std::string cut;
      int kept = 0;
      for (std::size_t k = 0; k < line.size(); ++k) {
        bool starts = (static_cast<unsigned char>(line[k]) & 0xC0) != 0x80;
        if (starts && ++kept > width - 1) break;
        cut += line[k];
      }
      lines.push_back(cut + "…");
      line.clear();
    }
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

struct Table {
  std::vector<int> cells;  // cell widths, padding included
  std::vector<bool> right;
  std::string out;

  // A border line: left, fill, separator, right.
  void rule(const char* l, const char* fill, const char* mid, const char* r) {
    out += l;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      for (int k = 0; k < cells[c]; ++k) out += fill;
      out += c + 1 < cells.size() ? mid : r;
    }
    out += "\n";
  }
  void row(const std::vector<std::string>& texts, const char* bar) {
    std::vector<std::vector<std::string>> wrapped;
    std::size_t height = 1;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      wrapped.push_back(wrap(texts[c], cells[c] - 2));
      height = std::max(height, wrapped.back().size());
    }
    for (std::size_t k = 0; k < height; ++k) {
      out += bar;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        std::string text = k < wrapped[c].size() ? wrapped[c][k] : "";
        int room = std::max(0, cells[c] - 2 - display_width(text));
        std::string pad(static_cast<std::size_t>(room), ' ');
        out += " " + (right[c] ? pad + text : text + pad) + " " + bar;
      }
      out += "\n";
    }
  }
};

}  // namespace

std::string Model::summary(int line_length) const {

  // Keras's positions, then rich's fit into `width`: each column gains 2 of padding, the 4
  // borders are taken off, and the excess is removed evenly. A graph that is not a chain gets
  // Keras's fourth column, "Connected to".
  const bool connected = graph_ && !graph_->sequential_like();
  // Keras: 88 columns (108 with "Connected to"), at most the terminal's width less 4.
  const int width =
      line_length > 0 ? line_length : std::min(connected ? 108 : 88, terminal_columns() - 4);
  const std::vector<double> positions =
      connected ? std::vector<double>{0.3, 0.6, 0.70, 1.0} : std::vector<double>{0.45, 0.80, 1.0};
  Table table;
  table.right = connected ? std::vector<bool>{false, false, true, false}
                          : std::vector<bool>{false, false, true};
  int current = 0;
  for (double p : positions) {
    int w = static_cast<int>(p * width) - current;
    if (w < 4)
      throw ValueError(str("Model.summary: line_length ", width,
                           " is too small: each column needs at least 4 characters."));
    table.cells.push_back(w + 2);
    current += w;
  }
  int total = 0;
  for (int c : table.cells) total += c;
  if (total > width - 4) ratio_reduce(total - (width - 4), table.cells);

  NoGrad no_grad;  // output shapes may be traced through call()
  std::vector<LayerPtr> all = layers();
  table.out = str("Model: \"", name(), "\"\n");
  table.rule("┏", "━", "┳", "┓");
  std::vector<std::string> header = {"Layer (type)", "Output Shape", "Param #"};
  if (connected) header.push_back("Connected to");
  table.row(header, "┃");
  for (std::size_t i = 0; i < all.size(); ++i) {
    Layer& layer = *all[i];
    table.rule(i == 0 ? "┡" : "├", i == 0 ? "━" : "─", i == 0 ? "╇" : "┼", i == 0 ? "┩" : "┤");
    std::vector<std::string> cells = {
        layer.name() + " (" + layer.class_name() + ")", output_shape_text(layer),
        layer.built() ? with_commas(layer.count_params()) : std::string("0 (unbuilt)")};
    if (connected) {
      std::string links;
      for (const std::string& c : graph_->connected_to(layer)) links += (links.empty() ? "" : ", ") + c;
      cells.push_back(links.empty() ? "-" : links);
    }
    table.row(cells, "│");
  }
  table.rule("└", "─", "┴", "┘");

  std::vector<VariablePtr> trainable = trainable_weights(), frozen = non_trainable_weights();
  int64_t trainable_count = params_of(trainable), frozen_count = params_of(frozen);
  double trainable_bytes = memory_size(trainable), frozen_bytes = memory_size(frozen);
  // Optimizer slots count once the optimizer has been built by a first step, as in Keras.
  int64_t optimizer_count = 0;
  double optimizer_bytes = 0;
  bool optimizer_built = compiled() && optimizer_ && optimizer_->iterations() > 0;
  if (optimizer_built) {
    for (const Tensor& t : optimizer_->variables()) {
      optimizer_count += t.numel();
      optimizer_bytes +=
          static_cast<double>(t.numel()) * static_cast<double>(dtype_size(t.dtype()));
    }
  }
  table.out +=
      str(" Total params: ", with_commas(trainable_count + frozen_count + optimizer_count), " (",
          readable_memory_size(trainable_bytes + frozen_bytes + optimizer_bytes), ")\n");
  table.out += str(" Trainable params: ", with_commas(trainable_count), " (",
                   readable_memory_size(trainable_bytes), ")\n");
  table.out += str(" Non-trainable params: ", with_commas(frozen_count), " (",
                   readable_memory_size(frozen_bytes), ")\n");
  if (optimizer_built)
    table.out += str(" Optimizer params: ", with_commas(optimizer_count), " (",
                     readable_memory_size(optimizer_bytes), ")\n");
  return table.out;
}

}  // namespace mz
