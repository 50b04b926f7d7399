// Approximation: RBF networks (mz::classic newrbe / newrb) and a neurolab MLP (newff, BFGS)
// fit sinc(x) = sin(x)/x on [-10, 10] and Franke's function on [0, 1]^2 from grid samples;
// test RMSE on a finer grid against the number of neurons and the RBF spread.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "examples/apps/demo_support.h"
#include "examples/apps/demos.h"
#include "mz/classic/neurolab/neurolab.h"
#include "mz/classic/rbf.h"
#include "mz/classic/svg.h"
#include "mz/core/error.h"
#include "mz/ops/creation.h"
#include "mz/plot/chart.h"

namespace mz::apps {

namespace {

namespace nl = classic::nl;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double sinc(double x) { return x == 0 ? 1.0 : std::sin(x) / x; }

// Franke (1979): two Gaussian peaks, a ridge and a dip on the unit square.
double franke(double x, double y) {
  const double a = 9 * x, b = 9 * y;
  return 0.75 * std::exp(-((a - 2) * (a - 2) + (b - 2) * (b - 2)) / 4) +
         0.75 * std::exp(-(a + 1) * (a + 1) / 49 - (b + 1) / 10) +
         0.5 * std::exp(-((a - 7) * (a - 7) + (b - 3) * (b - 3)) / 4) -
         0.2 * std::exp(-(a - 4) * (a - 4) - (b - 7) * (b - 7));
}

// Samples of a function of `dims` inputs: inputs row-major (n, dims) and targets (n).
struct Samples {
  int64_t dims = 1;
  std::vector<double> x, y;
  int64_t rows() const { return static_cast<int64_t>(y.size()); }
};

// A training and a test grid, the input ranges (for newff) and the training grid's spacing.
struct Problem {
  std::string name;
  Samples train, test;
  nl::Matrix minmax;
  double spacing = 1;
};

// sinc at n evenly spaced points of [-10, 10] (test: 401 points).
Problem sinc_problem(int n) {
  Problem p{"sinc", {}, {}, nl::Matrix{{-10, 10}}, 20.0 / (n - 1)};
  for (int k = 0; k < 2; ++k) {
    const int m = k == 0 ? n : 401;
    Samples& s = k == 0 ? p.train : p.test;
    for (int i = 0; i < m; ++i) {
      const double x = -10 + 20.0 * i / (m - 1);
      s.x.push_back(x);
      s.y.push_back(sinc(x));
    }
  }
  return p;
}

// Franke's function on a side x side grid of [0, 1]^2 (test: 41 x 41).
Problem franke_problem(int side) {
  Problem p{"Franke", {}, {}, nl::Matrix{{0, 1}, {0, 1}}, 1.0 / (side - 1)};
  for (int k = 0; k < 2; ++k) {
    const int m = k == 0 ? side : 41;
    Samples& s = k == 0 ? p.train : p.test;
    s.dims = 2;
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < m; ++j) {
        const double x = static_cast<double>(i) / (m - 1), y = static_cast<double>(j) / (m - 1);
        s.x.insert(s.x.end(), {x, y});
        s.y.push_back(franke(x, y));
      }
    }
  }
  p.train.dims = p.test.dims = 2;
  return p;
}

double rmse(const std::vector<double>& predicted, const std::vector<double>& target) {
  double sum = 0;
  for (std::size_t i = 0; i < target.size(); ++i) {
    sum += (predicted[i] - target[i]) * (predicted[i] - target[i]);
  }
  return std::sqrt(sum / static_cast<double>(target.size()));
}

Tensor inputs(const Samples& s) { return tensor(s.x, Shape{s.rows(), s.dims}); }
Tensor targets(const Samples& s) { return tensor(s.y, Shape{s.rows(), 1}); }

// Test RMSE of newrbe at `spread`; NaN when the design system is rank deficient (a spread so
// wide that the basis functions coincide numerically), which the charts leave out.
double rbf_exact_rmse(const Problem& p, double spread) {
  try {
    classic::RadialBasisNetwork net = classic::newrbe(inputs(p.train), targets(p.train), spread);
    return rmse(net.predict(inputs(p.test)).to_vector<double>(), p.test.y);
  } catch (const ValueError&) {
    return kNaN;
  }
}

// Test RMSE of newrb grown to `neurons` at `spread` (NaN when rank deficient); the test
// predictions go to *predicted when given.
double rbf_grow_rmse(const Problem& p, double spread, int64_t neurons,
                     std::vector<double>* predicted = nullptr) {
  try {
    classic::RadialBasisNetwork net = classic::newrb(
        inputs(p.train), targets(p.train), {.goal = 0, .spread = spread, .max_neurons = neurons});
    std::vector<double> out = net.predict(inputs(p.test)).to_vector<double>();
    if (predicted) *predicted = out;
    return rmse(out, p.test.y);
  } catch (const ValueError&) {
    return kNaN;
  }
}

// Test RMSE of a dims-hidden-1 neurolab MLP (tansig hidden, purelin output, Nguyen-Widrow
// init seeded by `seed`) trained by BFGS for at most `epochs` epochs.
double mlp_rmse(const Problem& p, int hidden, int epochs, uint32_t seed,
                std::vector<double>* predicted = nullptr) {
  nl::seed(seed);
  nl::Net net = nl::newff(p.minmax, {hidden, 1}, {nl::TanSig(), nl::PureLin()});
  const auto rows = static_cast<std::size_t>(p.train.rows()),
             dims = static_cast<std::size_t>(p.train.dims);
  net.train(nl::Matrix(rows, dims, p.train.x), nl::Matrix(rows, 1, p.train.y),
            {.epochs = epochs, .show = 0, .goal = 1e-10});
  nl::Matrix out = net.sim(nl::Matrix(static_cast<std::size_t>(p.test.rows()), dims, p.test.x));
  if (predicted) *predicted = out.values();
  return rmse(out.values(), p.test.y);
}

// v with three significant digits ("0.0028", "4.1e-05").
std::string fixed(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", v);
  return text;
}

}  // namespace

DemoResult approximation(const DemoOptions& options, std::ostream& out) {
  check_params("approximation", options, {"franke_epochs"});
  const bool quick = options.quick;
  const int franke_epochs =
      static_cast<int>(param("approximation", options, "franke_epochs", quick ? 400 : 1000));
  const auto seed = static_cast<uint32_t>(options.seed);
  const Problem sinc21 = sinc_problem(21), sinc41 = sinc_problem(41), franke11 = franke_problem(11);
  out << "approximation: sinc on [-10, 10] (21 or 41 samples, 401 test points); Franke's "
         "function on [0, 1]^2 (11 x 11 samples, 41 x 41 test points)\n";

  // RMSE against the RBF spread (newrbe, one neuron per sample), spread in grid spacings.
  const std::vector<double> spreads =
      quick ? std::vector<double>{0.5, 1, 2} : std::vector<double>{0.25, 0.5, 0.75, 1, 1.5, 2, 3};
  plot::Series spread_sinc{"sinc, newrbe (21 neurons)", {}, {}};
  plot::Series spread_franke{"Franke, newrbe (121 neurons)", {}, {}};
  for (double s : spreads) {
    spread_sinc.x.push_back(s);
    spread_sinc.y.push_back(rbf_exact_rmse(sinc21, s * sinc21.spacing));
    spread_franke.x.push_back(s);
    spread_franke.y.push_back(rbf_exact_rmse(franke11, s * franke11.spacing));
    out << "  newrbe spread " << s << " x spacing: RMSE sinc " << fixed(spread_sinc.y.back())
        << ", Franke " << fixed(spread_franke.y.back()) << "\n";
  }

  // RMSE against the network size: newrb (spread 1 on sinc, 0.3 on Franke) and the MLP.
  const std::vector<int> sinc_rbf_sizes =
      quick ? std::vector<int>{5, 10, 20} : std::vector<int>{3, 5, 10, 15, 20, 25, 30, 41};
  const std::vector<int> sinc_mlp_sizes =
      quick ? std::vector<int>{2, 4, 6} : std::vector<int>{1, 2, 3, 4, 5, 6, 8, 10, 15};
  const std::vector<int> franke_rbf_sizes =
      quick ? std::vector<int>{20, 40, 60} : std::vector<int>{10, 20, 30, 40, 50, 60, 80};
  const std::vector<int> franke_mlp_sizes =
      quick ? std::vector<int>{5, 20} : std::vector<int>{3, 5, 10, 15, 20, 25};
  auto sweep = [&](const std::string& name, const std::vector<int>& sizes, auto fit) {
    plot::Series s{name, {}, {}};
    for (int n : sizes) {
      s.x.push_back(n);
      s.y.push_back(fit(n));
      out << "  " << name << ", " << n << (n == 1 ? " neuron" : " neurons") << ": RMSE "
          << fixed(s.y.back()) << "\n";
    }
    return s;
  };
  plot::Series sinc_rbf_s = sweep("sinc, RBF newrb (spread 1)", sinc_rbf_sizes,
                                  [&](int n) { return rbf_grow_rmse(sinc41, 1.0, n); });
  plot::Series sinc_mlp_s = sweep("sinc, MLP 1-n-1 (BFGS)", sinc_mlp_sizes,
                                  [&](int n) { return mlp_rmse(sinc41, n, 500, seed + n); });
  plot::Series franke_rbf_s = sweep("Franke, RBF newrb (spread 0.3)", franke_rbf_sizes,
                                    [&](int n) { return rbf_grow_rmse(franke11, 0.3, n); });
  plot::Series franke_mlp_s = sweep("Franke, MLP 2-n-1 (BFGS)", franke_mlp_sizes, [&](int n) {
    return mlp_rmse(franke11, n, franke_epochs, seed + n);
  });

  // The headline fits and their bars.
  std::vector<double> rbf_fit, mlp_fit;
  const double sinc_exact = rbf_exact_rmse(sinc21, 1.0);
  // A size the sweep already fitted is read back from its series, not trained again.
  auto at = [](const plot::Series& s, int n, auto fit) {
    for (std::size_t i = 0; i < s.x.size(); ++i)
      if (s.x[i] == n) return s.y[i];
    return fit();
  };
  const double sinc_grow = at(sinc_rbf_s, 20, [&] { return rbf_grow_rmse(sinc41, 1.0, 20); });
  const double sinc_rbf10 = rbf_grow_rmse(sinc41, 1.0, 10, &rbf_fit);
  const double sinc_mlp4 = mlp_rmse(sinc41, 4, 500, seed + 4, &mlp_fit);
  const double sinc_mlp = at(sinc_mlp_s, 6, [&] { return mlp_rmse(sinc41, 6, 500, seed + 6); });
  std::vector<double> franke_fit;
  const double franke_grow = rbf_grow_rmse(franke11, 0.3, 60, &franke_fit);
  const double franke_mlp =
      at(franke_mlp_s, 20, [&] { return mlp_rmse(franke11, 20, franke_epochs, seed + 20); });
  const double franke_bar = quick ? 0.03 : 0.02;
  struct Bar {
    const char* what;
    double value, bar;
  };
  const Bar bars[] = {{"sinc, newrbe spread 1 (21 neurons)", sinc_exact, 0.01},
                      {"sinc, newrb spread 1, 20 neurons", sinc_grow, 0.01},
                      {"sinc, MLP 1-6-1", sinc_mlp, 0.01},
                      {"Franke, newrb spread 0.3, 60 neurons", franke_grow, 0.01},
                      {"Franke, MLP 2-20-1", franke_mlp, franke_bar}};
  bool passed = true;
  for (const Bar& b : bars) {
    const bool ok = b.value < b.bar;  // NaN fails
    passed = passed && ok;
    out << "approximation: " << b.what << ": test RMSE " << fixed(b.value) << " (bar < " << b.bar
        << ") " << (ok ? "ok" : "MISSED") << "\n";
  }

  DemoResult result;
  write_output(options, "approximation_spread.svg",
               plot::line_chart_svg({spread_sinc, spread_franke},
                                    {.title = "RBF (newrbe): test RMSE against spread",
                                     .x_label = "spread / training grid spacing",
                                     .y_label = "test RMSE",
                                     .log_y = true}),
               result);
  write_output(options, "approximation_sinc_size.svg",
               plot::line_chart_svg({sinc_rbf_s, sinc_mlp_s},
                                    {.title = "sinc(x), 41 samples: test RMSE against size",
                                     .x_label = "neurons (hidden units)",
                                     .y_label = "test RMSE",
                                     .log_y = true}),
               result);
  write_output(options, "approximation_franke_size.svg",
               plot::line_chart_svg({franke_rbf_s, franke_mlp_s},
                                    {.title = "Franke's function, 11 x 11 samples: test RMSE",
                                     .x_label = "neurons (hidden units)",
                                     .y_label = "test RMSE",
                                     .log_y = true}),
               result);
  plot::Series truth{"sinc(x)", sinc41.test.x, sinc41.test.y};
  plot::Series rbf_line{str("RBF newrb, 10 neurons (RMSE ", fixed(sinc_rbf10), ")"), sinc41.test.x,
                        rbf_fit};
  plot::Series mlp_line{str("MLP 1-4-1 (RMSE ", fixed(sinc_mlp4), ")"), sinc41.test.x, mlp_fit};
  write_output(
      options, "approximation_sinc_fit.svg",
      plot::line_chart_svg(
          {truth, rbf_line, mlp_line},
          {.title = "sinc(x) and two small networks' fits", .x_label = "x", .y_label = "y"}),
      result);
  // Franke's function and the 60-neuron RBF fit's error as 21 x 21 maps (every other test
  // point; x to the right, y up).
  auto map = [](const std::vector<double>& v) {
    std::vector<double> cells;
    for (int r = 0; r < 21; ++r)
      for (int c = 0; c < 21; ++c)
        cells.push_back(v[static_cast<std::size_t>(2 * c * 41 + 40 - 2 * r)]);
    return tensor(cells, Shape{21, 21});
  };
  std::vector<double> error(franke_fit.size());
  for (std::size_t i = 0; i < error.size(); ++i)
    error[i] = std::abs(franke_fit[i] - franke11.test.y[i]);
  write_output(
      options, "approximation_franke.svg",
      classic::grid_svg(map(franke11.test.y), "Franke's function on [0, 1]^2 (black = largest)"),
      result);
  write_output(
      options, "approximation_franke_rbf_error.svg",
      classic::grid_svg(map(error), str("|error| of newrb, 60 neurons (largest ",
                                        fixed(*std::max_element(error.begin(), error.end())), ")")),
      result);
  result.figure_of_merit = "test RMSE of newrbe (spread 1, 21 neurons) on sinc";
  result.value = sinc_exact;
  result.passed = passed;
  return result;
}

}  // namespace mz::apps
