// W4 — small-network overhead: 1000 points x evenly spaced on [-pi, pi], inputs (x/pi, (x/pi)^2),
// target sin x; 2 -> Dense 16 tanh -> Dense 1; full-batch gradient descent (SGD lr 0.1) on the
// mean squared error for 1000 epochs (one train_on_batch each). Wall time of the 1000 epochs,
// median of 5 fresh initialisations; the median final MSE goes in the accuracy column.
#include <cmath>
#include <numbers>
#include <string>

#include "bench/bench_common.h"
#include "mz/core/generator.h"
#include "mz/nn/layers/dense.h"
#include "mz/nn/layers/input_layer.h"
#include "mz/nn/losses/mean_squared_error.h"
#include "mz/nn/model.h"
#include "mz/nn/optimizers/sgd.h"
#include "mz/ops/creation.h"

namespace mz::bench {

void run_w4() {
  namespace L = mz::layers;
  constexpr int64_t kPoints = 1000;
  std::vector<float> in(2 * kPoints), target(kPoints);
  for (int64_t i = 0; i < kPoints; ++i) {
    const double pi = std::numbers::pi;
    double x = -pi + 2 * pi * static_cast<double>(i) / (kPoints - 1);
    in[2 * i] = static_cast<float>(x / pi);
    in[2 * i + 1] = static_cast<float>((x / pi) * (x / pi));
    target[i] = static_cast<float>(std::sin(x));
  }
  Tensor x = tensor(in, {kPoints, 2});
  Tensor t = tensor(target, {kPoints, 1});

  std::vector<double> times, mses;
  for (int seed = 0; seed < 5; ++seed) {
    set_seed(static_cast<uint64_t>(seed));
    Sequential model({Input({2}), L::Dense(16, {.activation = "tanh"}), L::Dense(1)});
    model.compile(
        {.optimizer = optimizers::SGD({.learning_rate = 0.1}), .loss = losses::MeanSquaredError()});
    auto t0 = Clock::now();
    for (int epoch = 0; epoch < 1000; ++epoch) model.train_on_batch(x, t);
    times.push_back(seconds_since(t0));
    // Final MSE from the trained weights, in double on the host.
    std::vector<float> out = model.predict_on_batch(x).to_vector<float>();
    double sq = 0;
    for (int64_t i = 0; i < kPoints; ++i) sq += std::pow(double{out[i]} - target[i], 2);
    mses.push_back(sq / kPoints);
  }
  auto [lo, hi] = std::minmax_element(mses.begin(), mses.end());
  print_csv(
      "W4", "train_1000_epochs", "s", times, "%.4f", "mse=" + format("%.3e", median(mses)),
      "mse_min=" + format("%.3e", *lo) + ";mse_max=" + format("%.3e", *hi) + ";train_on_batch");
}

}  // namespace mz::bench
