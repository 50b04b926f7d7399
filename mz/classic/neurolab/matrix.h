// Matrix: the row-major float64 array that mz::classic::nl (neurolab's face) passes around:
// inputs (samples, ci), targets (samples, co), minmax (ci, 2), weights (cn, ci).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

namespace mz::classic::nl {

// A rows x cols array of double, row-major; row r starts at data() + r * cols().
class Matrix {
 public:
  // An empty (0, 0) matrix.
  Matrix() = default;
  // A rows x cols matrix filled with `fill`.
  Matrix(std::size_t rows, std::size_t cols, double fill = 0.0);
  // A rows x cols matrix holding `values` row-major; throws ShapeError if the count differs.
  Matrix(std::size_t rows, std::size_t cols, std::vector<double> values);
  // From nested rows: Matrix({{-1, 1}, {0, 2}}); throws ShapeError for ragged rows.
  Matrix(std::initializer_list<std::initializer_list<double>> rows);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }
  double* data() { return data_.data(); }
  const double* data() const { return data_.data(); }
  double* row(std::size_t r) { return data_.data() + r * cols_; }
  const double* row(std::size_t r) const { return data_.data() + r * cols_; }
  double& operator()(std::size_t r, std::size_t c) { return data_[r * cols_ + c]; }
  double operator()(std::size_t r, std::size_t c) const { return data_[r * cols_ + c]; }
  // The values, row-major.
  const std::vector<double>& values() const { return data_; }
  std::vector<double>& values() { return data_; }
  // "(rows, cols)", as STYLE.md §5 prints shapes.
  std::string shape_str() const;

 private:
  std::size_t rows_ = 0, cols_ = 0;
  std::vector<double> data_;
};

}  // namespace mz::classic::nl
