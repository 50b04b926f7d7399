// Perceptron and Adaline (see perceptron.h): Rosenblatt 1958, Widrow & Hoff 1960.
#include "mz/classic/perceptron.h"

#include <cmath>

#include "mz/core/error.h"

namespace mz::classic {

Perceptron::Perceptron(int64_t inputs, int64_t outputs, PerceptronOptions options) : options_(std::move(options)) {
  if (inputs < 1 || outputs < 1)
    throw ValueError(str("Perceptron: inputs and outputs must be positive: expected >= 1, got (", inputs, ", ",
                         outputs, ")."));
  if (options_.transfer != "hardlim" && options_.transfer != "hardlims")
    throw ValueError(str("Perceptron: transfer must be \"hardlim\" or \"hardlims\", got \"", options_.transfer,
                         "\"."));
  if (options_.rule != "learnp" && options_.rule != "learnpn")
    throw ValueError(str("Perceptron: rule must be \"learnp\" or \"learnpn\", got \"", options_.rule, "\"."));
  w_ = la::Matrix(outputs, inputs);
  b_.assign(outputs, 0.0);
}

double Perceptron::transfer(double n) const {
  if (options_.transfer == "hardlims") return n >= 0 ? 1.0 : -1.0;
  return n >= 0 ? 1.0 : 0.0;
}

la::Matrix Perceptron::inputs(const Tensor& x, const char* who) const {
  la::Matrix a = la::from_tensor(x, who, "x");
  if (a.cols != w_.cols)
    throw ShapeError(str(who, ": x has ", a.cols, " inputs per sample, but the perceptron has ", w_.cols,
                         ": expected (Q, ", w_.cols, "), got (", a.rows, ", ", a.cols, ")."));
  return a;
}

void Perceptron::set_weights(const Tensor& weights, const Tensor& bias) {
  if (!(weights.shape() == Shape{w_.rows, w_.cols}) || !(bias.shape() == Shape{w_.rows}))
    throw ShapeError(str("Perceptron.set_weights: expected weights (", w_.rows, ", ", w_.cols, ") and bias (",
                         w_.rows, ",), got ", weights.shape(), " and ", bias.shape(), "."));
  w_.v = weights.to_vector<double>();
  b_ = bias.to_vector<double>();
}

void Adaline::set_weights(const Tensor& weights, const Tensor& bias) {
  if (!(weights.shape() == Shape{w_.rows, w_.cols}) || !(bias.shape() == Shape{w_.rows}))
    throw ShapeError(str("Adaline.set_weights: expected weights (", w_.rows, ", ", w_.cols, ") and bias (",
                         w_.rows, ",), got ", weights.shape(), " and ", bias.shape(), "."));
  w_.v = weights.to_vector<double>();
  b_ = bias.to_vector<double>();
}

PerceptronFit Perceptron::train(const Tensor& x, const Tensor& t, int64_t max_epochs) {
  const char* who = "Perceptron.train";
  la::Matrix p = inputs(x, who), tt = la::from_tensor(t, who, "t");
  if (t.rank() == 1 && w_.rows == 1) tt = la::transpose(tt);
  if (tt.rows != p.rows || tt.cols != w_.rows)
    throw ShapeError(str(who, ": t must be (Q, S): expected (", p.rows, ", ", w_.rows, "), got (", tt.rows, ", ",
                         tt.cols, ")."));
  const bool bipolar = options_.transfer == "hardlims";
  for (double v : tt.v)
    if (bipolar ? (v != -1.0 && v != 1.0) : (v != 0.0 && v != 1.0))
      throw ValueError(str(who, ": targets must match the transfer ", options_.transfer, ": expected ",
                           bipolar ? "-1 or +1" : "0 or 1", ", got ", v, "."));
  if (max_epochs < 1)
    throw ValueError(str(who, ": max_epochs must be positive: expected >= 1, got ", max_epochs, "."));
  PerceptronFit fit;
  const bool normalise = options_.rule == "learnpn";
  for (int64_t epoch = 0; epoch < max_epochs; ++epoch) {
    int64_t errors = 0;
    for (int64_t q = 0; q < p.rows; ++q) {
      const double* pq = p.row(q);
      double scale = 1.0;
      if (normalise) {
        double norm2 = 1.0;  // the bias input counts, as learnpn's [p; 1]
        for (int64_t r = 0; r < p.cols; ++r) norm2 += pq[r] * pq[r];
        scale = 1.0 / std::sqrt(norm2);
      }
      bool wrong = false;
      for (int64_t s = 0; s < w_.rows; ++s) {
        double n = b_[s];
        for (int64_t r = 0; r < p.cols; ++r) n += w_(s, r) * pq[r];
        const double e = tt(q, s) - transfer(n);
        if (e == 0.0) continue;
        wrong = true;
        for (int64_t r = 0; r < p.cols; ++r) w_(s, r) += e * pq[r] * scale;
        b_[s] += e * scale;
      }
      errors += wrong;
    }
    fit.errors.push_back(errors);
    fit.epochs = epoch + 1;
    if (errors == 0) {
      fit.converged = true;
      break;
    }
  }
  return fit;
}

Tensor Perceptron::predict(const Tensor& x) const {
  la::Matrix p = inputs(x, "Perceptron.predict");
  la::Matrix y(p.rows, w_.rows);
  for (int64_t q = 0; q < p.rows; ++q)
    for (int64_t s = 0; s < w_.rows; ++s) {
      double n = b_[s];
      for (int64_t r = 0; r < p.cols; ++r) n += w_(s, r) * p(q, r);
      y(q, s) = transfer(n);
    }
  return la::to_tensor(y);
}

Adaline::Adaline(int64_t inputs, int64_t outputs, AdalineOptions options) : options_(std::move(options)) {
  if (inputs < 1 || outputs < 1)
    throw ValueError(str("Adaline: inputs and outputs must be positive: expected >= 1, got (", inputs, ", ",
                         outputs, ")."));
  if (!(options_.learning_rate > 0))
    throw ValueError(str("Adaline: learning_rate must be positive: expected > 0, got ", options_.learning_rate, "."));
  if (options_.mode != "batch" && options_.mode != "online")
    throw ValueError(str("Adaline: mode must be \"batch\" or \"online\", got \"", options_.mode, "\"."));
  w_ = la::Matrix(outputs, inputs);
  b_.assign(outputs, 0.0);
}

std::pair<la::Matrix, la::Matrix> Adaline::data(const Tensor& x, const Tensor& t, const char* who) const {
  la::Matrix p = la::from_tensor(x, who, "x"), tt = la::from_tensor(t, who, "t");
  if (t.rank() == 1 && w_.rows == 1) tt = la::transpose(tt);
  if (p.cols != w_.cols)
    throw ShapeError(str(who, ": x has ", p.cols, " inputs per sample, but the layer has ", w_.cols,
                         ": expected (Q, ", w_.cols, "), got (", p.rows, ", ", p.cols, ")."));
  if (tt.rows != p.rows || tt.cols != w_.rows)
    throw ShapeError(str(who, ": t must be (Q, S): expected (", p.rows, ", ", w_.rows, "), got (", tt.rows, ", ",
                         tt.cols, ")."));
  return {p, tt};
}

std::vector<double> Adaline::train(const Tensor& x, const Tensor& t, int64_t epochs) {
  auto [p, tt] = data(x, t, "Adaline.train");
  std::vector<double> history;
  const double lr = options_.learning_rate;
  const bool online = options_.mode == "online";
  std::vector<double> e(w_.rows);
  for (int64_t epoch = 0; epoch < epochs; ++epoch) {
    la::Matrix dw(w_.rows, w_.cols);
    std::vector<double> db(w_.rows, 0.0);
    double sse = 0.0;
    for (int64_t q = 0; q < p.rows; ++q) {
      for (int64_t s = 0; s < w_.rows; ++s) {
        double n = b_[s];
        for (int64_t r = 0; r < p.cols; ++r) n += w_(s, r) * p(q, r);
        e[s] = tt(q, s) - n;
        sse += e[s] * e[s];
      }
      la::Matrix& target = online ? w_ : dw;
      std::vector<double>& bias = online ? b_ : db;
      for (int64_t s = 0; s < w_.rows; ++s) {
        for (int64_t r = 0; r < p.cols; ++r) target(s, r) += lr * e[s] * p(q, r);
        bias[s] += lr * e[s];
      }
    }
    if (!online) {
      for (std::size_t i = 0; i < w_.v.size(); ++i) w_.v[i] += dw.v[i];
      for (int64_t s = 0; s < w_.rows; ++s) b_[s] += db[s];
    }
    history.push_back(sse / static_cast<double>(p.rows * w_.rows));
  }
  return history;
}

void Adaline::solve(const Tensor& x, const Tensor& t) {
  auto [p, tt] = data(x, t, "newlind");
  la::Matrix a(p.rows, p.cols + 1, 1.0);
  for (int64_t q = 0; q < p.rows; ++q)
    for (int64_t r = 0; r < p.cols; ++r) a(q, r) = p(q, r);
  la::Matrix sol = la::lstsq(a, tt, "newlind");  // (R + 1, S)
  for (int64_t s = 0; s < w_.rows; ++s) {
    for (int64_t r = 0; r < p.cols; ++r) w_(s, r) = sol(r, s);
    b_[s] = sol(p.cols, s);
  }
}

Tensor Adaline::predict(const Tensor& x) const {
  la::Matrix p = la::from_tensor(x, "Adaline.predict", "x");
  if (p.cols != w_.cols)
    throw ShapeError(str("Adaline.predict: x has ", p.cols, " inputs per sample, but the layer has ", w_.cols,
                         ": expected (Q, ", w_.cols, "), got (", p.rows, ", ", p.cols, ")."));
  la::Matrix y(p.rows, w_.rows);
  for (int64_t q = 0; q < p.rows; ++q)
    for (int64_t s = 0; s < w_.rows; ++s) {
      double n = b_[s];
      for (int64_t r = 0; r < p.cols; ++r) n += w_(s, r) * p(q, r);
      y(q, s) = n;
    }
  return la::to_tensor(y);
}

double maxlinlr(const Tensor& x, bool bias) {
  la::Matrix p = la::from_tensor(x, "maxlinlr", "x");
  const int64_t d = p.cols + (bias ? 1 : 0);
  la::Matrix g(d, d);
  for (int64_t q = 0; q < p.rows; ++q)
    for (int64_t i = 0; i < d; ++i) {
      const double pi = i < p.cols ? p(q, i) : 1.0;
      for (int64_t j = 0; j < d; ++j) g(i, j) += pi * (j < p.cols ? p(q, j) : 1.0);
    }
  std::vector<double> values;
  la::Matrix vectors;
  la::symmetric_eigen(g, values, vectors);
  return 0.999 / values.front();
}

Perceptron newp(int64_t inputs, int64_t outputs) { return Perceptron(inputs, outputs); }

Adaline newlin(int64_t inputs, int64_t outputs, double learning_rate) {
  return Adaline(inputs, outputs, {.learning_rate = learning_rate});
}

}  // namespace mz::classic
