// CSV data sets: numeric cells in, a feature matrix x and (optionally) a label vector y out.
// Quoted fields ("1.5", "a ""b""") and CRLF line ends are understood; blank lines are skipped.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz::io {

// A column by header name ("species") or by 0-based index (4).
class CsvColumn {
 public:
  CsvColumn(const char* name) : name_(name), by_name_(true) {}             // NOLINT: implicit
  CsvColumn(std::string name) : name_(std::move(name)), by_name_(true) {}  // NOLINT
  CsvColumn(int index) : index_(index) {}                                  // NOLINT
  bool by_name() const { return by_name_; }
  const std::string& name() const { return name_; }
  // Negative indices count from the end, as in Python.
  int index() const { return index_; }

 private:
  std::string name_;
  int index_ = 0;
  bool by_name_ = false;
};

// read_csv's options: read_csv("iris.csv", {.label_column = "species"}).
struct CsvOptions {
  bool header = true;  // the first row names the columns
  char delimiter = ',';
  // The column that becomes y; unset: every column goes to x and y stays undefined.
  std::optional<CsvColumn> label_column;
  DType dtype = DType::f32;  // of x
  // Of y; unset: the same as dtype.
  std::optional<DType> label_dtype;
};

struct CsvData {
  Tensor x;  // (rows, feature columns)
  Tensor y;  // (rows,), undefined without a label_column
  // Names of x's columns (header names, or "0", "1", ... by position without a header).
  std::vector<std::string> columns;
};

// Reads a CSV file of numbers. Cells are whitespace-trimmed; empty lines are skipped. Throws
// IoError when the file cannot be read; FormatError naming the row (1-based, as lines are
// numbered in the file) and column (1-based, with its header name) for a cell that is not a
// number, or not an integer in range for an integer dtype, a row with another number of
// columns than the first, or a quote left open; ValueError for an unknown label column.
//   read_csv "data.csv": row 3, column 2 ("petal_width"): "abc" is not a number.
CsvData read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace mz::io
