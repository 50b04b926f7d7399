// Classification: Rosenblatt perceptrons on Iris (mz::classic::Perceptron, learnpn), one per
// pair of classes, voting; the pocket rule keeps each unit's best epoch (versicolor and
// virginica overlap). Figure of merit: accuracy on a 30% held-out split.
#include <algorithm>
#include <cmath>
#include <ostream>

#include "examples/apps/demo_support.h"
#include "mz/classic/perceptron.h"
#include "mz/ops/creation.h"
#include "mz/plot/chart.h"
#include "mz/plot/scatter.h"

namespace mz::apps {

namespace {

// One perceptron per pair of classes (one-vs-one): unit (a, b) fires for a, stays off for b.
// A flower goes to the class with the most votes; a three-way tie goes to the class whose
// winning unit is the most certain (largest |w x + b| / |w|).
struct OneVsOne {
  std::vector<classic::Perceptron> units;
  std::vector<std::pair<int, int>> pairs;
  int classes = 0;
};

std::vector<int> classify(const OneVsOne& net, const std::vector<std::vector<double>>& x) {
  std::vector<std::vector<double>> w;
  std::vector<double> b, norm;
  for (const classic::Perceptron& p : net.units) {
    w.push_back(p.weights().to_vector<double>());
    b.push_back(p.bias().to_vector<double>()[0]);
    double n = 0;
    for (double v : w.back()) n += v * v;
    norm.push_back(n > 0 ? std::sqrt(n) : 1.0);
  }
  std::vector<int> out;
  for (const auto& row : x) {
    std::vector<double> votes(net.classes, 0.0);
    for (std::size_t u = 0; u < net.units.size(); ++u) {
      double s = b[u];
      for (std::size_t j = 0; j < row.size(); ++j) s += w[u][j] * row[j];
      // hardlim(0) = 1, as the unit computes; the certainty breaks ties only.
      const int winner = s >= 0 ? net.pairs[u].first : net.pairs[u].second;
      votes[winner] += 1 + 1e-3 * std::tanh(std::abs(s) / norm[u]);
    }
    out.push_back(static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin()));
  }
  return out;
}

struct PocketRun {
  OneVsOne net;
  std::vector<double> train_errors;  // share misclassified (all classes) after each epoch
};

// learnpn epochs, each unit on the flowers of its two classes only; each unit keeps the
// weights of the epoch with its fewest training errors (the pocket rule).
PocketRun train_pocket(const std::vector<std::vector<double>>& x, const std::vector<int>& y,
                       int classes, int epochs) {
  PocketRun run;
  run.net.classes = classes;
  struct Job {
    Tensor x, t;
    std::vector<double> target;
    int64_t best_errors;
    std::pair<Tensor, Tensor> best;
  };
  std::vector<Job> jobs;
  for (int a = 0; a < classes; ++a)
    for (int b = a + 1; b < classes; ++b) {
      std::vector<std::vector<double>> rows;
      std::vector<double> target;
      for (std::size_t i = 0; i < y.size(); ++i)
        if (y[i] == a || y[i] == b) rows.push_back(x[i]), target.push_back(y[i] == a ? 1.0 : 0.0);
      const auto n = static_cast<int64_t>(rows.size());
      jobs.push_back({to_tensor(rows), mz::tensor(target, Shape{n, 1}), target, n + 1, {}});
      run.net.pairs.emplace_back(a, b);
      run.net.units.emplace_back(
          static_cast<int64_t>(x[0].size()), 1,
          classic::PerceptronOptions{.transfer = "hardlim", .rule = "learnpn"});
    }
  for (int e = 0; e < epochs; ++e) {
    for (std::size_t u = 0; u < jobs.size(); ++u) {
      classic::Perceptron& unit = run.net.units[u];
      Job& job = jobs[u];
      unit.train(job.x, job.t, 1);
      const std::vector<double> out = unit.predict(job.x).to_vector<double>();
      int64_t errors = 0;
      for (std::size_t i = 0; i < out.size(); ++i) errors += out[i] != job.target[i];
      if (errors < job.best_errors)
        job.best_errors = errors, job.best = {unit.weights(), unit.bias()};
    }
    run.train_errors.push_back(1 - accuracy(y, classify(run.net, x)));
  }
  for (std::size_t u = 0; u < jobs.size(); ++u)
    run.net.units[u].set_weights(jobs[u].best.first, jobs[u].best.second);
  return run;
}

}  // namespace

DemoResult iris_perceptron(const DemoOptions& options, std::ostream& out) {
  const std::string name = "iris_perceptron";
  check_params(name, options, {"epochs", "test_fraction"});
  const int epochs = static_cast<int>(param(name, options, "epochs", options.quick ? 30 : 200));
  const double test_fraction = param(name, options, "test_fraction", 0.3);
  LabelledData iris = read_sklearn_csv(find_data_file(options, "iris.csv"));
  const std::vector<std::vector<double>> raw = iris.x;
  standardize(iris.x);
  const int k = static_cast<int>(iris.classes.size());
  const Split split = stratified_split(iris.y, test_fraction, options.seed);
  const auto x_train = take(iris.x, split.train), x_test = take(iris.x, split.test);
  const auto y_train = take(iris.y, split.train), y_test = take(iris.y, split.test);

  PocketRun run = train_pocket(x_train, y_train, k, epochs);
  const std::vector<int> predicted = classify(run.net, x_test);
  const double acc = accuracy(y_test, predicted);
  out << name << ": " << x_train.size() << " training and " << x_test.size()
      << " test flowers, 4 z-scored features, " << run.train_errors.size() << " epochs\n"
      << name << ": test accuracy " << acc << "\n";

  DemoResult result;
  result.figure_of_merit = "test accuracy";
  result.value = acc;
  result.passed = acc >= (options.quick ? 0.85 : 0.9);

  // Training curve: share of training flowers the vote gets wrong after each epoch.
  plot::Series curve{"training error", {}, run.train_errors};
  for (std::size_t e = 0; e < curve.y.size(); ++e) curve.x.push_back(static_cast<double>(e + 1));
  write_output(options, name + "_errors.svg",
               plot::line_chart_svg({curve}, {.title = "Iris perceptron: training error per epoch",
                                              .x_label = "epoch",
                                              .y_label = "misclassified share"}),
               result);
  write_output(options, name + "_confusion.svg",
               plot::confusion_matrix_svg(confusion_counts(y_test, predicted, k), iris.classes,
                                          "Iris perceptron, held-out flowers"),
               result);

  // Decision regions on petal length and width (cm): a second pocket perceptron on just
  // these two features, z-scored with the training flowers' statistics.
  std::vector<std::vector<double>> petals;
  for (const auto& row : raw) petals.push_back({row[2], row[3]});
  double mean[2] = {0, 0}, sd[2] = {0, 0};
  for (std::size_t i : split.train)
    for (int j = 0; j < 2; ++j) mean[j] += petals[i][j] / split.train.size();
  for (std::size_t i : split.train)
    for (int j = 0; j < 2; ++j) sd[j] += std::pow(petals[i][j] - mean[j], 2) / split.train.size();
  for (int j = 0; j < 2; ++j) sd[j] = std::sqrt(sd[j]);
  auto z = [&](double a, double b) {
    return std::vector<double>{(a - mean[0]) / sd[0], (b - mean[1]) / sd[1]};
  };
  std::vector<std::vector<double>> z_train;
  for (std::size_t i : split.train) z_train.push_back(z(petals[i][0], petals[i][1]));
  PocketRun flat = train_pocket(z_train, y_train, k, epochs);
  std::vector<std::vector<double>> z_test;
  for (std::size_t i : split.test) z_test.push_back(z(petals[i][0], petals[i][1]));
  const double acc2 = accuracy(y_test, classify(flat.net, z_test));
  out << name << ": on petal length and width alone: test accuracy " << acc2 << "\n";
  const plot::RegionGrid grid = region_grid(0.5, 7.5, 0, 2.8, 70, 100, [&](double a, double b) {
    return classify(flat.net, {z(a, b)})[0];
  });
  plot::LabelledPoints points;
  for (std::size_t i = 0; i < petals.size(); ++i) {
    points.x.push_back(petals[i][0]);
    points.y.push_back(petals[i][1]);
    points.label.push_back(iris.y[i]);
  }
  write_output(
      options, name + "_regions.svg",
      plot::decision_regions_svg(grid, points, iris.classes,
                                 {.title = "Iris perceptron on petal size (held-out accuracy " +
                                           std::to_string(acc2).substr(0, 5) + ")",
                                  .x_label = "petal length (cm)",
                                  .y_label = "petal width (cm)",
                                  .width = 620,
                                  .height = 440}),
      result);
  return result;
}

}  // namespace mz::apps
