// Classification: LVQ1 on Iris with neurolab's newlvq and train_lvq (mz::classic::nl); four
// prototypes per class start at random flowers of their class, the rate falls linearly.
// Figure of merit: accuracy on a 30% held-out split.
#include <algorithm>
#include <cmath>
#include <ostream>
#include <random>

#include "examples/apps/demo_support.h"
#include "mz/classic/neurolab/constructors.h"
#include "mz/plot/chart.h"
#include "mz/plot/scatter.h"

namespace mz::apps {

namespace {

namespace nl = mz::classic::nl;

struct LvqRun {
  nl::Net net;
  std::vector<double> errors;  // MSE of the one-hot output per epoch (train_lvq's error)
  std::vector<int> prototype_class;
};

nl::Matrix to_matrix(const std::vector<std::vector<double>>& x) {
  nl::Matrix m(x.size(), x[0].size());
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < x[0].size(); ++j) m(i, j) = x[i][j];
  return m;
}

// newlvq with `per_class` prototypes per class, initialised from random samples of the
// class, trained by LVQ1 for `epochs` epochs from learning rate lr down to lr / 10.
LvqRun train_lvq(const std::vector<std::vector<double>>& x, const std::vector<int>& y, int k,
                 int per_class, int epochs, double lr, uint64_t seed) {
  const std::size_t d = x[0].size();
  nl::Matrix minmax(d, 2);
  for (std::size_t j = 0; j < d; ++j) {
    minmax(j, 0) = 1e300, minmax(j, 1) = -1e300;
    for (const auto& row : x)
      minmax(j, 0) = std::min(minmax(j, 0), row[j]), minmax(j, 1) = std::max(minmax(j, 1), row[j]);
  }
  std::vector<double> pc(k, 1.0 / k);
  if (k == 3) pc = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  LvqRun run{nl::newlvq(minmax, per_class * k, pc), {}, {}};
  // The output layer (PureLin perceptron, W (classes, prototypes) of 0/1) says which class
  // owns each prototype.
  const nl::Layer& out = run.net.layers[1];
  std::mt19937_64 rng(seed);
  nl::Layer& comp = run.net.layers[0];
  for (int p = 0; p < comp.cn; ++p) {
    int owner = 0;
    for (int c = 0; c < k; ++c)
      if (out.w[static_cast<std::size_t>(c) * comp.cn + p] > 0.5) owner = c;
    run.prototype_class.push_back(owner);
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (y[i] == owner) members.push_back(i);
    const std::size_t pick = members[rng() % members.size()];
    std::copy(x[pick].begin(), x[pick].end(), comp.w.begin() + static_cast<std::ptrdiff_t>(p * d));
  }
  nl::Matrix target(x.size(), k, 0.0);
  for (std::size_t i = 0; i < y.size(); ++i) target(i, y[i]) = 1;
  // LVQ1 with a learning rate falling linearly to zero (as R's class::lvq1): ten rounds of
  // train_lvq, each at a tenth less of the starting rate.
  const nl::Matrix input = to_matrix(x);
  const int rounds = std::min(10, epochs);
  for (int r = 0; r < rounds; ++r) {
    const int round_epochs = epochs / rounds + (r < epochs % rounds ? 1 : 0);
    // NOTE: train_lvq records the error before each pass and stops once it has `epochs`
    // errors, so epochs = m + 1 makes m passes; the last error is the next round's first.
    std::vector<double> errors = run.net.train(
        input, target,
        nl::TrainOptions{
            .epochs = round_epochs + 1, .show = 0, .goal = -1, .lr = lr * (rounds - r) / rounds});
    if (!run.errors.empty()) errors.erase(errors.begin());
    run.errors.insert(run.errors.end(), errors.begin(), errors.end());
  }
  return run;
}

std::vector<int> classify(LvqRun& run, const std::vector<std::vector<double>>& x) {
  const nl::Matrix out = run.net.sim(to_matrix(x));
  std::vector<int> labels;
  for (std::size_t i = 0; i < out.rows(); ++i)
    labels.push_back(
        static_cast<int>(std::max_element(out.row(i), out.row(i) + out.cols()) - out.row(i)));
  return labels;
}

}  // namespace

DemoResult iris_lvq(const DemoOptions& options, std::ostream& out) {
  const std::string name = "iris_lvq";
  check_params(name, options, {"epochs", "prototypes_per_class", "learning_rate", "test_fraction"});
  const int epochs = static_cast<int>(param(name, options, "epochs", options.quick ? 20 : 100));
  const int per_class = static_cast<int>(param(name, options, "prototypes_per_class", 4));
  const double lr = param(name, options, "learning_rate", 0.1);
  const double test_fraction = param(name, options, "test_fraction", 0.3);
  LabelledData iris = read_sklearn_csv(find_data_file(options, "iris.csv"));
  const std::vector<std::vector<double>> raw = iris.x;
  standardize(iris.x);
  const int k = static_cast<int>(iris.classes.size());
  const Split split = stratified_split(iris.y, test_fraction, options.seed);
  const auto x_train = take(iris.x, split.train), x_test = take(iris.x, split.test);
  const auto y_train = take(iris.y, split.train), y_test = take(iris.y, split.test);

  LvqRun run = train_lvq(x_train, y_train, k, per_class, epochs, lr, options.seed);
  const std::vector<int> predicted = classify(run, x_test);
  const double acc = accuracy(y_test, predicted);
  out << name << ": " << per_class * k << " prototypes, LVQ1 from lr " << lr << " for " << epochs
      << " epochs on " << x_train.size() << " flowers\n"
      << name << ": test accuracy " << acc << " on " << x_test.size() << " held-out flowers\n";

  DemoResult result;
  result.figure_of_merit = "test accuracy";
  result.value = acc;
  result.passed = acc >= (options.quick ? 0.85 : 0.9);

  plot::Series curve{"training MSE (one-hot)", {}, run.errors};
  for (std::size_t e = 0; e < curve.y.size(); ++e) curve.x.push_back(static_cast<double>(e));
  write_output(options, name + "_errors.svg",
               plot::line_chart_svg({curve}, {.title = "Iris LVQ1: training error per epoch",
                                              .x_label = "epoch",
                                              .y_label = "mean squared error"}),
               result);
  write_output(options, name + "_confusion.svg",
               plot::confusion_matrix_svg(confusion_counts(y_test, predicted, k), iris.classes,
                                          "Iris LVQ, held-out flowers"),
               result);

  // Decision regions on petal length and width: a second LVQ on these two features only,
  // z-scored with the training flowers' statistics; its prototypes are the diamonds.
  double mean[2] = {0, 0}, sd[2] = {0, 0};
  for (std::size_t i : split.train)
    for (int j = 0; j < 2; ++j) mean[j] += raw[i][2 + j] / split.train.size();
  for (std::size_t i : split.train)
    for (int j = 0; j < 2; ++j) sd[j] += std::pow(raw[i][2 + j] - mean[j], 2) / split.train.size();
  for (int j = 0; j < 2; ++j) sd[j] = std::sqrt(sd[j]);
  auto z = [&](double a, double b) {
    return std::vector<double>{(a - mean[0]) / sd[0], (b - mean[1]) / sd[1]};
  };
  std::vector<std::vector<double>> z_train, z_test;
  for (std::size_t i : split.train) z_train.push_back(z(raw[i][2], raw[i][3]));
  for (std::size_t i : split.test) z_test.push_back(z(raw[i][2], raw[i][3]));
  LvqRun flat = train_lvq(z_train, y_train, k, per_class, epochs, lr, options.seed + 1);
  const double acc2 = accuracy(y_test, classify(flat, z_test));
  out << name << ": on petal length and width alone: test accuracy " << acc2 << "\n";
  const plot::RegionGrid grid = region_grid(
      0.5, 7.5, 0, 2.8, 70, 100, [&](double a, double b) { return classify(flat, {z(a, b)})[0]; });
  plot::LabelledPoints points, prototypes;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    points.x.push_back(raw[i][2]);
    points.y.push_back(raw[i][3]);
    points.label.push_back(iris.y[i]);
  }
  const nl::Layer& comp = flat.net.layers[0];
  for (int p = 0; p < comp.cn; ++p) {
    prototypes.x.push_back(comp.w[2 * p] * sd[0] + mean[0]);
    prototypes.y.push_back(comp.w[2 * p + 1] * sd[1] + mean[1]);
    prototypes.label.push_back(flat.prototype_class[p]);
  }
  write_output(options, name + "_regions.svg",
               plot::decision_regions_svg(
                   grid, points, iris.classes,
                   {.title = "Iris LVQ on petal size (held-out accuracy " +
                             std::to_string(acc2).substr(0, 5) + "; diamonds: prototypes)",
                    .x_label = "petal length (cm)",
                    .y_label = "petal width (cm)",
                    .width = 620,
                    .height = 440},
                   prototypes),
               result);
  return result;
}

}  // namespace mz::apps
