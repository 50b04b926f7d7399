// Matrix constructors and the shape printer.
#include "mz/classic/neurolab/matrix.h"

#include "mz/core/error.h"

namespace mz::classic::nl {

Matrix::Matrix(std::size_t rows, std::size_t cols, double fill)
    : rows_(rows), cols_(cols), data_(rows * cols, fill) {}

Matrix::Matrix(std::size_t rows, std::size_t cols, std::vector<double> values)
    : rows_(rows), cols_(cols), data_(std::move(values)) {
  if (data_.size() != rows * cols)
    throw ShapeError(str("Matrix: value count does not fit the shape: expected ", rows * cols,
                         " values for (", rows, ", ", cols, "), got ", data_.size(), "."));
}

Matrix::Matrix(std::initializer_list<std::initializer_list<double>> rows) {
  rows_ = rows.size();
  cols_ = rows_ ? rows.begin()->size() : 0;
  data_.reserve(rows_ * cols_);
  std::size_t r = 0;
  for (const auto& row : rows) {
    if (row.size() != cols_)
      throw ShapeError(str("Matrix: ragged rows: expected ", cols_, " values in row ", r,
                           ", got ", row.size(), "."));
    data_.insert(data_.end(), row.begin(), row.end());
    ++r;
  }
}

std::string Matrix::shape_str() const { return str("(", rows_, ", ", cols_, ")"); }

}  // namespace mz::classic::nl
