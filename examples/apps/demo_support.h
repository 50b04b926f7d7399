// Shared plumbing of the demos: finding data files, reading scikit-learn's CSVs, z-scores,
// stratified splits, --set parameters, confusion counts and writing figures into out_dir.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "examples/apps/demos.h"
#include "mz/core/tensor.h"
#include "mz/plot/scatter.h"

namespace mz::apps {

// A labelled table: x (n rows of d features), y (class 0 .. k-1), the class names.
struct LabelledData {
  std::vector<std::vector<double>> x;
  std::vector<int> y;
  std::vector<std::string> classes;
};

// Sample indices of a train/test split.
struct Split {
  std::vector<std::size_t> train;
  std::vector<std::size_t> test;
};

// The path of data file `name`: options.data_dir if set, else examples/data of the source
// tree, else ./examples/data. Throws IoError naming the folders searched.
std::string find_data_file(const DemoOptions& options, const std::string& name);

// Reads scikit-learn's bundled CSV layout (iris.csv, wine_data.csv): a first line
// "n,d,class names...", then n rows of d numbers and an integer class. Throws IoError for an
// unreadable file, FormatError naming the line for a malformed one.
LabelledData read_sklearn_csv(const std::string& path);

// Standardises every column of x to mean 0 and (population) standard deviation 1.
void standardize(std::vector<std::vector<double>>& x);

// A split keeping each class's share: round(test_fraction * class size) of every class go
// to test, chosen by a shuffle seeded with `seed`; both lists are sorted.
Split stratified_split(const std::vector<int>& y, double test_fraction, uint64_t seed);

// Rows `index` of x.
std::vector<std::vector<double>> take(const std::vector<std::vector<double>>& x,
                                      const std::vector<std::size_t>& index);
std::vector<int> take(const std::vector<int>& y, const std::vector<std::size_t>& index);

// Rows as a (n, d) float64 tensor.
Tensor to_tensor(const std::vector<std::vector<double>>& x);

// A rows x cols RegionGrid over [x_lo, x_hi] x [y_lo, y_hi], each cell's class from
// classify(x, y) at its centre.
plot::RegionGrid region_grid(double x_lo, double x_hi, double y_lo, double y_hi, int rows, int cols,
                             const std::function<int(double, double)>& classify);

// Throws ValueError "merezha demo NAME: unknown parameter 'k': expected one of a, b." when
// options.params has a key outside `known`.
void check_params(const std::string& demo, const DemoOptions& options,
                  const std::vector<std::string>& known);
// The --set value of key as a number (fallback when absent); throws ValueError naming the
// demo and key when the value is not a number.
double param(const std::string& demo, const DemoOptions& options, const std::string& key,
             double fallback);

// counts[t][p]: how many samples of true class t were predicted as p (k classes).
std::vector<std::vector<int64_t>> confusion_counts(const std::vector<int>& truth,
                                                   const std::vector<int>& predicted, int k);
// Share of equal entries (0 for empty lists).
double accuracy(const std::vector<int>& truth, const std::vector<int>& predicted);

// Writes text to out_dir/file (creating out_dir), records the path in result.files and
// returns it. Throws IoError when out_dir cannot be created or the file written.
std::string write_output(const DemoOptions& options, const std::string& file,
                         const std::string& text, DemoResult& result);

}  // namespace mz::apps
