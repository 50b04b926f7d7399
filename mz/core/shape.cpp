// Shape arithmetic and printing.
#include "mz/core/shape.h"

#include <ostream>

#include "mz/core/error.h"

namespace mz {

Shape::Shape(std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) push_back(d);
}

Shape::Shape(const std::vector<int64_t>& dims) {
  for (int64_t d : dims) push_back(d);
}

Shape Shape::filled(int rank, int64_t fill) {
  Shape s;
  for (int i = 0; i < rank; ++i) s.push_back(fill);
  return s;
}

int64_t Shape::dim(int axis) const { return dims_[normalize_axis(axis, rank_, "Shape::dim")]; }

int64_t Shape::numel() const {
  int64_t n = 1;
  for (int i = 0; i < rank_; ++i) n *= dims_[i];
  return n;
}

void Shape::push_back(int64_t d) {
  if (rank_ == kMaxRank)
    throw ShapeError(str("Shape: too many dimensions: expected at most ", kMaxRank, ", got ",
                         rank_ + 1, "."));
  if (d < -1)
    throw ShapeError(str("Shape: dimension ", rank_, " is ", d,
                         ": expected a size >= 0, or -1 for an unknown size."));
  dims_[rank_++] = d;
}

void Shape::insert(int pos, int64_t d) {
  MZ_ASSERT(pos >= 0 && pos <= rank_);
  push_back(0);
  for (int i = rank_ - 1; i > pos; --i) dims_[i] = dims_[i - 1];
  dims_[pos] = d;
}

void Shape::erase(int pos) {
  MZ_ASSERT(pos >= 0 && pos < rank_);
  for (int i = pos; i + 1 < rank_; ++i) dims_[i] = dims_[i + 1];
  dims_[--rank_] = 0;
}

bool operator==(const Shape& a, const Shape& b) {
  if (a.rank_ != b.rank_) return false;
  for (int i = 0; i < a.rank_; ++i)
    if (a.dims_[i] != b.dims_[i]) return false;
  return true;
}

std::string to_string(const Shape& shape) {
  std::string s = "(";
  for (int i = 0; i < shape.rank(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.rank() == 1) s += ",";
  return s + ")";
}

std::ostream& operator<<(std::ostream& out, const Shape& shape) { return out << to_string(shape); }

int normalize_axis(int axis, int rank, const char* who) {
  if (axis < -rank || axis >= rank)
    throw ShapeError(str(who, ": axis ", axis, " is out of range for rank ", rank,
                         ": expected an axis in [", -rank, ", ", rank, ")."));
  return axis < 0 ? axis + rank : axis;
}

Shape contiguous_strides(const Shape& shape) {
  Shape strides = Shape::filled(shape.rank(), 0);
  int64_t step = 1;
  for (int i = shape.rank() - 1; i >= 0; --i) {
    strides[i] = step;
    step *= shape[i] > 0 ? shape[i] : 1;
  }
  return strides;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* who) {
  int rank = a.rank() > b.rank() ? a.rank() : b.rank();
  Shape out = Shape::filled(rank, 1);
  for (int i = 0; i < rank; ++i) {
    int ia = a.rank() - rank + i, ib = b.rank() - rank + i;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1)
      throw ShapeError(str(who, ": shapes do not broadcast: ", a, " and ", b, " differ in axis ",
                           i - rank, " (", da, " vs ", db, ")."));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

}  // namespace mz
