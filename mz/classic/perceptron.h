// Perceptron (Rosenblatt's rule, MATLAB newp/learnp/learnpn) and Adaline (Widrow-Hoff LMS,
// MATLAB newlin/learnwh/maxlinlr/newlind): single-layer networks, inputs as rows (Q, R).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/classic/linalg.h"
#include "mz/core/tensor.h"

namespace mz::classic {

// transfer "hardlim" (0/1, hardlim(0) = 1) or "hardlims" (-1/+1, hardlims(0) = +1);
// rule "learnp" (W += e p^T, b += e) or "learnpn" (p normalised to unit length first).
struct PerceptronOptions {
  std::string transfer = "hardlim";
  std::string rule = "learnp";
};

// What train() returns: epochs run (the last one is the first without an error when
// converged), whether it converged, and the number of misclassified samples per epoch.
struct PerceptronFit {
  int64_t epochs = 0;
  bool converged = false;
  std::vector<int64_t> errors;
};

class Perceptron {
 public:
  // S = outputs units over R = inputs, zero weights and biases (MATLAB initzero).
  Perceptron(int64_t inputs, int64_t outputs = 1, PerceptronOptions options = {});

  // Cycles through the samples in order (MATLAB adapt/trainc), updating after each error,
  // until an epoch has no error or max_epochs. Targets (Q, S) must be 0/1 (hardlim) or -1/+1.
  PerceptronFit train(const Tensor& x, const Tensor& t, int64_t max_epochs = 100);
  // Outputs (Q, S) for inputs (Q, R).
  Tensor predict(const Tensor& x) const;
  // W (S, R) and b (S,) as float64.
  Tensor weights() const { return la::to_tensor(w_); }
  Tensor bias() const { return la::to_tensor(b_, Shape{w_.rows}); }
  // Sets W (S, R) and b (S,).
  void set_weights(const Tensor& weights, const Tensor& bias);
  // The construction options (transfer, rule).
  const PerceptronOptions& options() const { return options_; }

 private:
  la::Matrix inputs(const Tensor& x, const char* who) const;
  double transfer(double n) const;

  PerceptronOptions options_;
  la::Matrix w_;
  std::vector<double> b_;
};

// Adaline options: learning rate (MATLAB newlin default 0.01) and "batch" (summed over the
// epoch, stable below maxlinlr) or "online" (per sample) updates.
struct AdalineOptions {
  double learning_rate = 0.01;
  std::string mode = "batch";
};

class Adaline {
 public:
  // S linear units over R inputs, zero weights and biases.
  Adaline(int64_t inputs, int64_t outputs = 1, AdalineOptions options = {});

  // Widrow-Hoff: W += lr e p^T, b += lr e; returns the MSE before each epoch's update.
  std::vector<double> train(const Tensor& x, const Tensor& t, int64_t epochs);
  // newlind: the least-squares weights and biases in one solve.
  void solve(const Tensor& x, const Tensor& t);
  // Outputs (Q, S) = x W^T + b.
  Tensor predict(const Tensor& x) const;
  Tensor weights() const { return la::to_tensor(w_); }
  Tensor bias() const { return la::to_tensor(b_, Shape{w_.rows}); }
  // Sets W (S, R) and b (S,); throws ShapeError for other shapes.
  void set_weights(const Tensor& weights, const Tensor& bias);
  // The construction options (learning rate, mode).
  const AdalineOptions& options() const { return options_; }

 private:
  std::pair<la::Matrix, la::Matrix> data(const Tensor& x, const Tensor& t, const char* who) const;

  AdalineOptions options_;
  la::Matrix w_;
  std::vector<double> b_;
};

// The largest stable batch LMS rate: 0.999 / max eig([P; 1][P; 1]^T) (bias = true) or of P P^T.
double maxlinlr(const Tensor& x, bool bias = true);

// MATLAB's factory names: newp (hardlim perceptron) and newlin (Adaline, rate lr).
Perceptron newp(int64_t inputs, int64_t outputs = 1);
Adaline newlin(int64_t inputs, int64_t outputs = 1, double learning_rate = 0.01);

}  // namespace mz::classic
