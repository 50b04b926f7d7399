// Forecasting: an Elman network (Keras SimpleRNN) and an LSTM read the last `lags` values of
// a real series and forecast the next one, on the yearly sunspot numbers (1700-2008) and the
// monthly Mauna Loa CO2 (1958-2001); one-step forecasts over a held-out tail are scored
// against the naive last-value forecast (RMSE ratio), with a linear AR (ADALINE) for scale.
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "examples/apps/demo_support.h"
#include "examples/apps/demos.h"
#include "mz/classic/perceptron.h"
#include "mz/core/error.h"
#include "mz/core/generator.h"
#include "mz/mz.h"
#include "mz/plot/chart.h"

namespace mz::apps {

namespace {

namespace L = layers;

// A series: its time axis (years, decimal for months) and values.
struct TimeSeries {
  std::string name;
  std::vector<double> t, v;
};

// Rows of a two-column CSV with a header; a row whose second cell is empty gets NaN. Throws
// IoError for an unreadable file, FormatError naming the line for a malformed row.
std::vector<std::pair<double, double>> read_two_columns(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(str("forecasting \"", path, "\": cannot open the file."));
  std::vector<std::pair<double, double>> rows;
  std::string line;
  std::getline(in, line);  // header
  for (int number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::size_t comma = line.find(',');
    try {
      if (comma == std::string::npos) throw std::invalid_argument("no comma");
      const double a = std::stod(line.substr(0, comma));
      const std::string b = line.substr(comma + 1);
      rows.emplace_back(a, b.empty() ? std::nan("") : std::stod(b));
    } catch (const std::exception&) {
      throw FormatError(str("forecasting \"", path, "\": line ", number,
                            ": expected two numbers separated by a comma, got \"", line, "\"."));
    }
  }
  return rows;
}

// statsmodels' sunspots.csv: "YEAR","SUNACTIVITY", yearly 1700-2008.
TimeSeries read_sunspots(const std::string& path) {
  TimeSeries s{"yearly sunspot number", {}, {}};
  for (const auto& [year, value] : read_two_columns(path)) {
    s.t.push_back(year);
    s.v.push_back(value);
  }
  return s;
}

// statsmodels' co2.csv (weekly, date YYYYMMDD, some weeks empty) as monthly means; the five
// months without a single reading are interpolated linearly between their neighbours.
TimeSeries read_co2_monthly(const std::string& path) {
  std::map<int, std::pair<double, int>> months;  // year * 12 + month - 1 -> (sum, count)
  for (const auto& [date, value] : read_two_columns(path)) {
    const auto day = static_cast<int64_t>(date);
    const int key = static_cast<int>(day / 10000) * 12 + static_cast<int>(day / 100 % 100) - 1;
    auto& cell = months[key];
    if (!std::isnan(value)) cell.first += value, ++cell.second;
  }
  TimeSeries s{"monthly Mauna Loa CO2 (ppm)", {}, {}};
  if (months.empty()) return s;
  for (int key = months.begin()->first; key <= months.rbegin()->first; ++key) {
    auto it = months.find(key);
    s.t.push_back(key / 12 + (key % 12 + 0.5) / 12.0);
    s.v.push_back(it != months.end() && it->second.second > 0 ? it->second.first / it->second.second
                                                              : std::nan(""));
  }
  for (std::size_t i = 0; i < s.v.size(); ++i) {
    if (!std::isnan(s.v[i])) continue;
    std::size_t j = i;
    while (j < s.v.size() && std::isnan(s.v[j])) ++j;
    if (i == 0 || j == s.v.size()) {
      throw FormatError(str("forecasting \"", path, "\": no readings at the series' ends."));
    }
    for (std::size_t k = i; k < j; ++k) {
      s.v[k] = s.v[i - 1] + (s.v[j] - s.v[i - 1]) * static_cast<double>(k - i + 1) /
                                static_cast<double>(j - i + 1);
    }
  }
  return s;
}

// The supervised problem: to forecast v[k] the model reads the `lags` previous values of the
// modelled quantity q (v itself, or its first differences d[j] = v[j] - v[j-1]), standardised
// with the training part's mean and deviation; its forecast is q's prediction (plus v[k-1]
// for differences). Targets k < n - tail train, the last `tail` are the test.
struct Problem {
  int lags = 12;
  int tail = 50;
  bool difference = false;
  std::vector<double> q;  // standardised modelled quantity (q[0] unused with differences)
  double mean = 0, scale = 1;
  std::vector<int64_t> train_k, test_k;
};

Problem make_problem(const TimeSeries& s, int lags, int tail, bool difference) {
  Problem p{lags, tail, difference, {}, 0, 1, {}, {}};
  const auto n = static_cast<int64_t>(s.v.size());
  const int64_t first = lags + (difference ? 1 : 0);
  if (n - tail <= first + lags) {
    throw ValueError(str("forecasting: ", s.name, " has ", n, " values: expected more than ",
                         first + lags + tail, " for ", lags, " lags and a tail of ", tail, "."));
  }
  p.q.assign(s.v.begin(), s.v.end());
  if (difference) {
    for (int64_t j = n - 1; j >= 1; --j) p.q[j] = s.v[j] - s.v[j - 1];
    p.q[0] = 0;
  }
  // Statistics over the values the training windows and targets touch.
  const int64_t lo = difference ? 1 : 0, hi = n - tail;
  double sum = 0, sq = 0;
  for (int64_t j = lo; j < hi; ++j) sum += p.q[j];
  p.mean = sum / static_cast<double>(hi - lo);
  for (int64_t j = lo; j < hi; ++j) sq += (p.q[j] - p.mean) * (p.q[j] - p.mean);
  p.scale = std::sqrt(sq / static_cast<double>(hi - lo));
  for (double& x : p.q) x = (x - p.mean) / p.scale;
  for (int64_t k = first; k < n; ++k) (k < n - tail ? p.train_k : p.test_k).push_back(k);
  return p;
}

// Windows (rows, lags, 1) and targets (rows, 1) for the target indices ks, float32.
std::pair<Tensor, Tensor> windows(const Problem& p, const std::vector<int64_t>& ks) {
  std::vector<float> x, y;
  for (int64_t k : ks) {
    for (int64_t j = k - p.lags; j < k; ++j) x.push_back(static_cast<float>(p.q[j]));
    y.push_back(static_cast<float>(p.q[k]));
  }
  const auto rows = static_cast<int64_t>(ks.size());
  return {tensor(x, Shape{rows, p.lags, 1}), tensor(y, Shape{rows, 1})};
}

// Forecasts of v[k] for the test indices from standardised predictions of q[k].
std::vector<double> to_forecasts(const Problem& p, const TimeSeries& s,
                                 const std::vector<double>& predicted) {
  std::vector<double> f;
  for (std::size_t i = 0; i < p.test_k.size(); ++i) {
    const double q = predicted[i] * p.scale + p.mean;
    f.push_back(p.difference ? s.v[p.test_k[i] - 1] + q : q);
  }
  return f;
}

double rmse(const std::vector<double>& forecast, const TimeSeries& s,
            const std::vector<int64_t>& ks) {
  double sum = 0;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    sum += (forecast[i] - s.v[ks[i]]) * (forecast[i] - s.v[ks[i]]);
  }
  return std::sqrt(sum / static_cast<double>(ks.size()));
}

// Trains a recurrent model ("elman": SimpleRNN, "lstm": LSTM) of `units` units and a Dense(1)
// read-out with Adam on the training windows; returns its test forecasts.
std::vector<double> recurrent_forecast(const std::string& kind, const Problem& p,
                                       const TimeSeries& s, int units, int epochs, uint64_t seed) {
  set_seed(seed);
  LayerPtr rnn = kind == "lstm" ? LayerPtr(L::LSTM(units)) : LayerPtr(L::SimpleRNN(units));
  Sequential model({Input({p.lags, 1}), rnn, L::Dense(1)});
  model.compile({.optimizer = optimizers::Adam({.learning_rate = 0.005}), .loss = "mse"});
  auto [x, y] = windows(p, p.train_k);
  model.fit(x, y, {.batch_size = 16, .epochs = epochs, .verbose = 0});
  Tensor predicted = model.predict(windows(p, p.test_k).first, {.batch_size = 256});
  return to_forecasts(p, s, predicted.to(DType::f64).to_vector<double>());
}

// Linear AR(lags) by least squares (ADALINE solved in one step, MATLAB newlind).
std::vector<double> linear_forecast(const Problem& p, const TimeSeries& s) {
  auto flat = [&](const std::vector<int64_t>& ks) {
    auto [x, y] = windows(p, ks);
    return std::pair{x.reshape({-1, p.lags}).to(DType::f64), y.to(DType::f64)};
  };
  auto [x, y] = flat(p.train_k);
  classic::Adaline ar(p.lags);
  ar.solve(x, y);
  return to_forecasts(p, s, ar.predict(flat(p.test_k).first).to_vector<double>());
}

// What one series reports: the RMSE ratios to the naive forecast, and its chart.
struct SeriesResult {
  double elman = 0, lstm = 0, linear = 0;
};

SeriesResult forecast_series(const TimeSeries& s, const Problem& p, int units, int epochs,
                             uint64_t seed, const std::string& file, const DemoOptions& options,
                             std::ostream& out, DemoResult& result) {
  std::vector<double> naive;
  for (int64_t k : p.test_k) naive.push_back(s.v[k - 1]);
  const double naive_rmse = rmse(naive, s, p.test_k);
  const std::vector<double> elman = recurrent_forecast("elman", p, s, units, epochs, seed);
  const std::vector<double> lstm = recurrent_forecast("lstm", p, s, units, epochs, seed);
  const std::vector<double> linear = linear_forecast(p, s);
  SeriesResult r{rmse(elman, s, p.test_k) / naive_rmse, rmse(lstm, s, p.test_k) / naive_rmse,
                 rmse(linear, s, p.test_k) / naive_rmse};
  out << "forecasting: " << s.name << ", last " << p.tail << " values held out, " << p.lags
      << " lags" << (p.difference ? " of first differences" : "") << ": naive RMSE " << naive_rmse
      << "; RMSE / naive: Elman " << r.elman << ", LSTM " << r.lstm << ", linear AR " << r.linear
      << "\n";

  // The picture: the observed series from 2 tails before the test part, and the forecasts.
  const std::size_t from = s.v.size() - static_cast<std::size_t>(3 * p.tail);
  plot::Series observed{
      "observed", {s.t.begin() + from, s.t.end()}, {s.v.begin() + from, s.v.end()}};
  std::vector<double> tt;
  for (int64_t k : p.test_k) tt.push_back(s.t[k]);
  auto line = [&](const std::string& name, double ratio, const std::vector<double>& f) {
    return plot::Series{str(name, " (RMSE ", std::round(ratio * 1000) / 1000, " x naive)"), tt, f};
  };
  write_output(
      options, file,
      plot::line_chart_svg({observed, line("Elman (SimpleRNN)", r.elman, elman),
                            line("LSTM", r.lstm, lstm), line("last value", 1.0, naive)},
                           {.title = str(s.name, ": one-step forecasts of the held-out tail"),
                            .x_label = "year",
                            .y_label = s.name}),
      result);
  return r;
}

}  // namespace

DemoResult forecasting(const DemoOptions& options, std::ostream& out) {
  check_params("forecasting", options, {"epochs", "units"});
  const int epochs =
      static_cast<int>(param("forecasting", options, "epochs", options.quick ? 20 : 60));
  const int units = static_cast<int>(param("forecasting", options, "units", 12));
  DemoResult result;

  const TimeSeries sun = read_sunspots(find_data_file(options, "sunspots.csv"));
  const SeriesResult a =
      forecast_series(sun, make_problem(sun, 12, 50, false), units, epochs, options.seed,
                      "forecasting_sunspots.svg", options, out, result);
  const TimeSeries co2 = read_co2_monthly(find_data_file(options, "co2.csv"));
  const SeriesResult b = forecast_series(co2, make_problem(co2, 12, 60, true), units, epochs,
                                         options.seed, "forecasting_co2.svg", options, out, result);

  // Bars: RMSE at most 0.8 x naive on the sunspots, 0.5 x naive on CO2, for both networks.
  const double sun_bar = 0.8, co2_bar = 0.5;
  result.passed =
      a.elman <= sun_bar && a.lstm <= sun_bar && b.elman <= co2_bar && b.lstm <= co2_bar;
  out << "forecasting: bars RMSE / naive <= " << sun_bar << " (sunspots), <= " << co2_bar
      << " (CO2): " << (result.passed ? "met" : "MISSED") << "\n";
  result.figure_of_merit = "LSTM test RMSE / naive last-value RMSE on the sunspots";
  result.value = a.lstm;
  return result;
}

}  // namespace mz::apps
