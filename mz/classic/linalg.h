// Small dense f64 matrices for the classic networks: conversion from and to mz::Tensor, and
// the few solvers they need (Householder least squares / minimum norm, symmetric eigen).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/core/tensor.h"

namespace mz::classic::la {

// A row-major rows x cols matrix of doubles.
struct Matrix {
  int64_t rows = 0, cols = 0;
  std::vector<double> v;
  Matrix() = default;
  Matrix(int64_t r, int64_t c, double fill = 0.0) : rows(r), cols(c), v(r * c, fill) {}
  double& operator()(int64_t i, int64_t j) { return v[i * cols + j]; }
  double operator()(int64_t i, int64_t j) const { return v[i * cols + j]; }
  const double* row(int64_t i) const { return v.data() + i * cols; }
  double* row(int64_t i) { return v.data() + i * cols; }
};

// A rank-2 floating tensor as a Matrix (a rank-1 tensor becomes one row); throws ShapeError
// "<who>: <name> must be 2-D (samples, features): expected rank 2, got rank R." otherwise, and
// ValueError when it holds NaN or infinity or is empty.
Matrix from_tensor(const Tensor& t, const std::string& who, const std::string& name);
// The matrix as a float64 tensor of shape (rows, cols).
Tensor to_tensor(const Matrix& m);
// A vector as a float64 tensor of shape `shape` (numel must match).
Tensor to_tensor(const std::vector<double>& values, const Shape& shape);

// The transpose.
Matrix transpose(const Matrix& a);
// a * b; shapes must agree (MZ_ASSERT).
Matrix matmul(const Matrix& a, const Matrix& b);

// Least squares X minimising ||A X - B|| when A has at least as many rows as columns, the
// minimum-norm solution of A X = B otherwise (Householder QR). Throws ValueError naming `who`
// when A is rank deficient to working precision.
Matrix lstsq(const Matrix& a, const Matrix& b, const std::string& who);

// Eigenvalues (descending) and eigenvectors (columns, same order) of a symmetric matrix
// (cyclic Jacobi rotations).
void symmetric_eigen(const Matrix& a, std::vector<double>& values, Matrix& vectors);

// Euclidean distance between two length-n rows.
double distance(const double* a, const double* b, int64_t n);
// Squared Euclidean distance between two length-n rows.
double distance2(const double* a, const double* b, int64_t n);

}  // namespace mz::classic::la
