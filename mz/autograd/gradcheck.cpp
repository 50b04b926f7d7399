// Full-Jacobian (or projected) comparison of backward() with central differences.
#include "mz/autograd/gradcheck.h"

#include <cmath>

#include "mz/core/generator.h"
#include "mz/core/grad_mode.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"
#include "mz/ops/shape.h"

namespace mz {
namespace {

// fn's output as host float64 values.
std::vector<double> evaluate(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                             const std::vector<Tensor>& xs) {
  NoGrad no_grad;
  return fn(xs).to_vector<double>();
}

}  // namespace

GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                          const std::vector<Tensor>& inputs, GradcheckOptions options) {
  std::vector<Tensor> xs;
  for (const Tensor& in : inputs) {
    if (is_floating(in.dtype())) {
      Tensor x = cast(in.detach(), DType::f64).clone().detach();
      x.set_requires_grad(true);
      xs.push_back(x);
    } else {
      xs.push_back(in);
    }
  }
  Tensor y = fn(xs);
  if (!y.requires_grad())
    return {false, 0.0, "gradcheck: the output does not depend on any floating input"};
  const int64_t m = y.numel();
  const bool full = m <= options.max_full_outputs;
  // Cotangents: one-hot rows of the Jacobian, or random projections.
  std::vector<std::vector<double>> cotangents;
  Generator gen(12345);
  for (int64_t j = 0; j < (full ? m : 3); ++j) {
    std::vector<double> v(static_cast<std::size_t>(m), 0.0);
    if (full) v[static_cast<std::size_t>(j)] = 1.0;
    else for (double& e : v) e = gen.normal();
    cotangents.push_back(std::move(v));
  }
  GradcheckResult result;
  for (std::size_t c = 0; c < cotangents.size(); ++c) {
    for (Tensor& x : xs)
      if (x.requires_grad()) x.zero_grad();
    Tensor seed = tensor(cotangents[c], y.shape(), {.dtype = y.dtype(), .device = y.device()});
    y.backward(seed);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      Tensor& x = xs[i];
      if (!x.requires_grad()) continue;
      std::vector<double> analytic = x.grad().defined()
                                         ? x.grad().to_vector<double>()
                                         : std::vector<double>(x.numel(), 0.0);
      // x is a contiguous float64 clone: an element is set through its pointer on the host,
      // and through a one-element view of it (a small upload) on a device.
      const std::vector<double> values = x.to_vector<double>();
      const Tensor flat = x.detach().reshape({-1});
      auto set = [&](int64_t p, double v) {
        if (x.device().is_host())
          x.data<double>()[p] = v;
        else
          flat.slice(0, p, p + 1).copy_(
              tensor(std::vector<double>{v}, {1}, {.dtype = DType::f64, .device = x.device()}));
      };
      for (int64_t p = 0; p < x.numel(); ++p) {
        const double saved = values[static_cast<std::size_t>(p)];
        set(p, saved + options.eps);
        std::vector<double> plus = evaluate(fn, xs);
        set(p, saved - options.eps);
        std::vector<double> minus = evaluate(fn, xs);
        set(p, saved);
        double numeric = 0.0;
        for (int64_t j = 0; j < m; ++j)
          numeric += cotangents[c][j] * (plus[j] - minus[j]) / (2.0 * options.eps);
        double a = analytic[static_cast<std::size_t>(p)];
        double err = std::abs(a - numeric);
        if (err > result.max_abs_error || std::isnan(err)) result.max_abs_error = err;
        if (result.ok && !(err <= options.atol + options.rtol * std::abs(numeric))) {
          result.ok = false;
          result.message = str("gradcheck: input ", i, " element ", p,
                               full ? str(", output element ", c) : str(", projection ", c),
                               ": analytic ", a, ", numeric ", numeric, ", |difference| ", err,
                               " > ", options.atol, " + ", options.rtol, " * |numeric|");
        }
      }
    }
  }
  return result;
}

}  // namespace mz
