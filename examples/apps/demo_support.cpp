// Shared plumbing of the demos (see demo_support.h).
#include "examples/apps/demo_support.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "mz/core/error.h"
#include "mz/ops/creation.h"
#include "mz/plot/chart.h"

#ifndef MZ_APPS_DATA_DIR
#define MZ_APPS_DATA_DIR "examples/data"
#endif

namespace mz::apps {

namespace fs = std::filesystem;

std::string find_data_file(const DemoOptions& options, const std::string& name) {
  std::vector<std::string> folders;
  if (!options.data_dir.empty())
    folders.push_back(options.data_dir);
  else
    folders = {MZ_APPS_DATA_DIR, "examples/data"};
  std::string searched;
  for (const std::string& folder : folders) {
    const fs::path p = fs::path(folder) / name;
    if (fs::is_regular_file(p)) return p.string();
    searched += (searched.empty() ? "" : ", ") + folder;
  }
  throw IoError(mz::str("merezha demo: data file \"", name, "\" not found: expected it in ",
                        searched, ". Pass --data DIR."));
}

LabelledData read_sklearn_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(mz::str("read_sklearn_csv \"", path, "\": cannot open the file."));
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, ',');) cells.push_back(cell);
    return cells;
  };
  std::string line;
  if (!std::getline(in, line))
    throw FormatError(mz::str("read_sklearn_csv \"", path, "\": the file is empty."));
  std::vector<std::string> head = split(line);
  if (head.size() < 3)
    throw FormatError(mz::str("read_sklearn_csv \"", path,
                              "\": line 1: expected \"rows,features,class names...\", got \"", line,
                              "\"."));
  LabelledData data;
  std::size_t rows = 0, d = 0;
  try {
    rows = std::stoul(head[0]);
    d = std::stoul(head[1]);
  } catch (const std::logic_error&) {
    throw FormatError(mz::str("read_sklearn_csv \"", path,
                              "\": line 1: expected \"rows,features,class names...\", got \"", line,
                              "\"."));
  }
  for (std::size_t i = 2; i < head.size(); ++i) {
    std::string name = head[i];
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    data.classes.push_back(name);
  }
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \r\n") == std::string::npos) continue;
    std::vector<std::string> cells = split(line);
    if (cells.size() != d + 1)
      throw FormatError(mz::str("read_sklearn_csv \"", path, "\": line ", number, ": expected ",
                                d + 1, " cells, got ", cells.size(), "."));
    std::vector<double> row(d);
    try {
      for (std::size_t j = 0; j < d; ++j) row[j] = std::stod(cells[j]);
      const int label = std::stoi(cells[d]);
      if (label < 0 || label >= static_cast<int>(data.classes.size()))
        throw FormatError(mz::str("read_sklearn_csv \"", path, "\": line ", number,
                                  ": class out of range: expected 0 to ", data.classes.size() - 1,
                                  ", got ", label, "."));
      data.x.push_back(std::move(row));
      data.y.push_back(label);
    } catch (const std::logic_error&) {
      throw FormatError(mz::str("read_sklearn_csv \"", path, "\": line ", number,
                                ": a cell is not a number: \"", line, "\"."));
    }
  }
  if (data.x.size() != rows)
    throw FormatError(mz::str("read_sklearn_csv \"", path, "\": the header promises ", rows,
                              " rows: expected ", rows, ", got ", data.x.size(), "."));
  return data;
}

void standardize(std::vector<std::vector<double>>& x) {
  if (x.empty()) return;
  const std::size_t d = x[0].size();
  for (std::size_t j = 0; j < d; ++j) {
    double mean = 0, sq = 0;
    for (const auto& row : x) mean += row[j];
    mean /= x.size();
    for (const auto& row : x) sq += (row[j] - mean) * (row[j] - mean);
    const double sd = std::sqrt(sq / x.size());
    for (auto& row : x) row[j] = sd > 0 ? (row[j] - mean) / sd : 0.0;
  }
}

Split stratified_split(const std::vector<int>& y, double test_fraction, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int k = y.empty() ? 0 : *std::max_element(y.begin(), y.end()) + 1;
  Split split;
  for (int c = 0; c < k; ++c) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (y[i] == c) members.push_back(i);
    std::shuffle(members.begin(), members.end(), rng);
    const auto n_test = static_cast<std::size_t>(std::lround(test_fraction * members.size()));
    for (std::size_t i = 0; i < members.size(); ++i)
      (i < n_test ? split.test : split.train).push_back(members[i]);
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.test.begin(), split.test.end());
  return split;
}

std::vector<std::vector<double>> take(const std::vector<std::vector<double>>& x,
                                      const std::vector<std::size_t>& index) {
  std::vector<std::vector<double>> out;
  out.reserve(index.size());
  for (std::size_t i : index) out.push_back(x[i]);
  return out;
}

std::vector<int> take(const std::vector<int>& y, const std::vector<std::size_t>& index) {
  std::vector<int> out;
  out.reserve(index.size());
  for (std::size_t i : index) out.push_back(y[i]);
  return out;
}

Tensor to_tensor(const std::vector<std::vector<double>>& x) {
  const int64_t n = static_cast<int64_t>(x.size()), d = x.empty() ? 0 : x[0].size();
  std::vector<double> flat;
  flat.reserve(n * d);
  for (const auto& row : x) flat.insert(flat.end(), row.begin(), row.end());
  return mz::tensor(flat, Shape{n, d});
}

plot::RegionGrid region_grid(double x_lo, double x_hi, double y_lo, double y_hi, int rows, int cols,
                             const std::function<int(double, double)>& classify) {
  plot::RegionGrid grid{x_lo, x_hi, y_lo, y_hi, {}};
  grid.classes.assign(rows, std::vector<int>(cols));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      grid.classes[r][c] = classify(x_lo + (c + 0.5) * (x_hi - x_lo) / cols,
                                    y_lo + (r + 0.5) * (y_hi - y_lo) / rows);
  return grid;
}

void check_params(const std::string& demo, const DemoOptions& options,
                  const std::vector<std::string>& known) {
  for (const auto& [key, value] : options.params) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    throw ValueError(mz::str("merezha demo ", demo, ": unknown parameter '", key,
                             "': expected one of ", list.empty() ? "(none)" : list, "."));
  }
}

double param(const std::string& demo, const DemoOptions& options, const std::string& key,
             double fallback) {
  auto it = options.params.find(key);
  if (it == options.params.end()) return fallback;
  try {
    std::size_t used = 0;
    const double v = std::stod(it->second, &used);
    if (used == it->second.size()) return v;
  } catch (const std::logic_error&) {
  }
  throw ValueError(mz::str("merezha demo ", demo, ": parameter '", key,
                           "' must be a number: expected e.g. ", key, "=0.5, got \"", it->second,
                           "\"."));
}

std::vector<std::vector<int64_t>> confusion_counts(const std::vector<int>& truth,
                                                   const std::vector<int>& predicted, int k) {
  std::vector<std::vector<int64_t>> counts(k, std::vector<int64_t>(k, 0));
  for (std::size_t i = 0; i < truth.size() && i < predicted.size(); ++i)
    ++counts[truth[i]][predicted[i]];
  return counts;
}

double accuracy(const std::vector<int>& truth, const std::vector<int>& predicted) {
  if (truth.empty()) return 0;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) hits += truth[i] == predicted[i];
  return static_cast<double>(hits) / truth.size();
}

std::string write_output(const DemoOptions& options, const std::string& file,
                         const std::string& text, DemoResult& result) {
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec)
    throw IoError(mz::str("merezha demo: cannot create the output folder \"", options.out_dir,
                          "\": ", ec.message(), "."));
  const std::string path = (fs::path(options.out_dir) / file).string();
  plot::write_text_file(path, text);
  result.files.push_back(path);
  return path;
}

}  // namespace mz::apps
