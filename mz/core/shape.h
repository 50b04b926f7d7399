// Shape: up to kMaxRank dimensions stored inline (no heap allocation per tensor). A dimension
// of -1 means unknown (Keras's None; reshape's inferred size); tensors never have one.
// Printed as a Python tuple, "(32, 784)", in every message.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <vector>

namespace mz {

inline constexpr int kMaxRank = 8;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  explicit Shape(const std::vector<int64_t>& dims);
  // A shape of `rank` dimensions, each `fill`.
  static Shape filled(int rank, int64_t fill);

  int rank() const { return rank_; }
  int size() const { return rank_; }
  bool empty() const { return rank_ == 0; }
  int64_t operator[](int i) const { return dims_[i]; }
  int64_t& operator[](int i) { return dims_[i]; }
  // Dimension `axis`, negative counting from the end; throws ShapeError when out of range.
  int64_t dim(int axis) const;
  // Product of the dimensions (1 for a scalar).
  int64_t numel() const;
  const int64_t* begin() const { return dims_; }
  const int64_t* end() const { return dims_ + rank_; }
  int64_t* begin() { return dims_; }
  int64_t* end() { return dims_ + rank_; }
  int64_t back() const { return dims_[rank_ - 1]; }
  void push_back(int64_t d);
  void insert(int pos, int64_t d);
  void erase(int pos);
  std::vector<int64_t> vec() const { return {begin(), end()}; }
  friend bool operator==(const Shape& a, const Shape& b);

 private:
  int64_t dims_[kMaxRank] = {};
  int rank_ = 0;
};

// "(32, 784)"; a scalar is "()", a vector "(5,)".
std::string to_string(const Shape& shape);
std::ostream& operator<<(std::ostream& out, const Shape& shape);

// Maps axis in [-rank, rank) to [0, rank); throws ShapeError naming `who` otherwise.
int normalize_axis(int axis, int rank, const char* who);

// Row-major (C order) strides, in elements.
Shape contiguous_strides(const Shape& shape);

// NumPy broadcasting of a and b; throws ShapeError naming `who` when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* who);

}  // namespace mz
