// merezha plot MODEL|HISTORY: a model's graph (plot_model: .svg/.png/.pdf with Graphviz, .dot
// always) or the training curves of a history CSV (loss above, the other metrics below).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/model_files.h"
#include "mz/core/error.h"
#include "mz/nn/plot_model.h"
#include "mz/plot/chart.h"

namespace mz::cli {
namespace {

struct PlotArgs {
  std::string input;
  std::string output;
  bool show_shapes = false;
  std::string rankdir = "TB";
  bool log_y = false;
};

// The columns of a CSVLogger file: header names and their values ("NA" is NaN).
std::map<std::string, std::vector<double>> read_history(const std::string& path) {
  const std::string who = str("plot \"", path, "\"");
  std::ifstream in(path);
  if (!in) throw IoError(str(who, ": cannot read the file: no such file or not readable."));
  auto split = [](std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::stringstream s(line);
    std::string cell;
    while (std::getline(s, cell, ',')) cells.push_back(cell);
    return cells;
  };
  std::string line;
  if (!std::getline(in, line)) throw FormatError(str(who, ": the file is empty."));
  std::vector<std::string> names = split(line);
  if (names.empty() || names[0] != "epoch")
    throw FormatError(str(who,
                          ": expected a history CSV whose header starts with \"epoch\" "
                          "(CSVLogger's, or output.history of merezha train), got \"",
                          line, "\"."));
  std::map<std::string, std::vector<double>> columns;
  for (int row = 2; std::getline(in, line); ++row) {
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> cells = split(line);
    if (cells.size() != names.size())
      throw FormatError(
          str(who, ": row ", row, ": expected ", names.size(), " cells, got ", cells.size(), "."));
    for (std::size_t i = 0; i < cells.size(); ++i) {
      double v = std::numeric_limits<double>::quiet_NaN();
      if (cells[i] != "NA") {
        try {
          v = std::stod(cells[i]);
        } catch (const std::exception&) {
          throw FormatError(str(who, ": row ", row, ", column \"", names[i], "\": \"", cells[i],
                                "\" is not a number."));
        }
      }
      columns[names[i]].push_back(v);
    }
  }
  if (columns.empty()) throw FormatError(str(who, ": the file has a header but no epochs."));
  return columns;
}

// An SVG document moved down by dy and stripped of anything before its <svg element.
std::string placed(const std::string& svg, int dy) {
  std::size_t start = svg.find("<svg");
  MZ_ASSERT(start != std::string::npos, "line_chart_svg returned no <svg> element");
  return "<svg y=\"" + std::to_string(dy) + "\"" + svg.substr(start + 4);
}

std::string history_svg(const std::map<std::string, std::vector<double>>& columns,
                        const std::string& title, bool log_y) {
  std::vector<double> epochs = columns.at("epoch");
  for (double& e : epochs) e += 1;  // CSVLogger counts from 0; people count epochs from 1
  std::vector<plot::Series> losses, others;
  for (const auto& [name, values] : columns) {
    if (name == "epoch") continue;
    std::string base = name.rfind("val_", 0) == 0 ? name.substr(4) : name;
    bool is_loss = base == "loss" || (base.size() > 5 && base.substr(base.size() - 5) == "_loss");
    (is_loss ? losses : others).push_back({name, epochs, values});
  }
  std::vector<std::string> charts;
  if (!losses.empty())
    charts.push_back(plot::line_chart_svg(
        losses,
        {.title = title + ": loss", .x_label = "epoch", .y_label = "loss", .log_y = log_y}));
  if (!others.empty())
    charts.push_back(plot::line_chart_svg(
        others, {.title = title + ": metrics", .x_label = "epoch", .y_label = "value"}));
  if (charts.empty()) throw FormatError(str("plot: the history has no columns besides epoch."));
  const int width = 720, height = 440;
  std::string svg = str("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"", width, "\" height=\"",
                        height * static_cast<int>(charts.size()), "\" viewBox=\"0 0 ", width, " ",
                        height * charts.size(), "\">\n");
  for (std::size_t i = 0; i < charts.size(); ++i)
    svg += placed(charts[i], static_cast<int>(i) * height) + "\n";
  return svg + "</svg>\n";
}

int run_plot(const PlotArgs& args, std::ostream& out) {
  std::filesystem::path in(args.input);
  std::string output =
      args.output.empty() ? in.filename().replace_extension(".svg").string() : args.output;
  if (has_suffix(args.input, ".csv")) {
    plot::write_text_file(output,
                          history_svg(read_history(args.input), in.stem().string(), args.log_y));
    out << "training curves of " << args.input << " -> " << output << "\n";
    return 0;
  }
  std::shared_ptr<Model> model = load_any_model(args.input, /*compile=*/false);
  plot_model(*model, output, {.show_shapes = args.show_shapes, .rankdir = args.rankdir});
  out << "graph of " << model->name() << " -> " << output << "\n";
  return 0;
}

}  // namespace

void add_plot_command(CLI::App& app, std::vector<Command>& commands) {
  auto args = std::make_shared<PlotArgs>();
  CLI::App* sub = app.add_subcommand(
      "plot",
      "Draw a model's graph (MODEL: .keras or config .json) or its training curves "
      "(HISTORY: the CSV of merezha train's output.history or CSVLogger).");
  sub->add_option("INPUT", args->input, "a model (.keras, .json) or a history (.csv)")->required();
  sub->add_option("-o,--output", args->output,
                  "the picture (.svg; a model also .png, .pdf, .dot); default: INPUT's name "
                  "with .svg");
  sub->add_flag("--show-shapes", args->show_shapes, "model: label layers with their shapes");
  sub->add_option("--rankdir", args->rankdir, "model: TB (top to bottom) or LR")
      ->check(CLI::IsMember({"TB", "LR"}));
  sub->add_flag("--log-y", args->log_y, "history: a logarithmic loss axis");
  commands.push_back({"plot", [args](std::ostream& out) { return run_plot(*args, out); }});
}

}  // namespace mz::cli
