// Fashion-MNIST training, curves and confusion matrix for the two Keras-face demos (see
// fashion_common.h).
#include "examples/apps/fashion_common.h"

#include <algorithm>

#include "examples/apps/demo_support.h"
#include "mz/core/generator.h"
#include "mz/io/idx.h"
#include "mz/ops/reduce.h"
#include "mz/plot/chart.h"

namespace mz::apps {

const std::vector<std::string>& fashion_classes() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                 "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                 "Bag",         "Ankle boot"};
  return names;
}

double train_fashion(const std::string& name, const FashionRun& run,
                     const std::function<std::shared_ptr<Model>(int64_t steps)>& make, bool images,
                     const DemoOptions& options, std::ostream& out, DemoResult& result) {
  mz::set_seed(options.seed);
  const io::Dataset data = options.data_dir.empty() ? io::load_fashion_mnist()
                                                    : io::load_fashion_mnist(options.data_dir);
  const int64_t n_train =
      run.train > 0 ? std::min(run.train, data.x_train.size(0)) : data.x_train.size(0);
  const int64_t n_test =
      run.test > 0 ? std::min(run.test, data.x_test.size(0)) : data.x_test.size(0);
  const Shape shape = images ? Shape{-1, 28, 28, 1} : Shape{-1, 784};
  const Tensor x_train = data.x_train.slice(0, 0, n_train).reshape(shape);
  const Tensor y_train = data.y_train.slice(0, 0, n_train);
  const Tensor x_test = data.x_test.slice(0, 0, n_test).reshape(shape);
  const Tensor y_test = data.y_test.slice(0, 0, n_test);

  const double validation = 0.1;
  const int64_t fit_rows = n_train - static_cast<int64_t>(n_train * validation);
  const int64_t steps = (fit_rows + run.batch_size - 1) / run.batch_size * run.epochs;
  std::shared_ptr<Model> model = make(steps);
  out << name << ": " << model->count_params() << " parameters; " << fit_rows << " training, "
      << n_train - fit_rows << " validation and " << n_test << " test images, " << run.epochs
      << " epochs\n";
  History history = model->fit(x_train, y_train,
                               {.batch_size = run.batch_size,
                                .epochs = run.epochs,
                                .verbose = 0,
                                .validation_split = validation});
  const auto& h = history.history;
  for (int e = 0; e < run.epochs; ++e) {
    out << name << ": epoch " << e + 1;
    for (const char* key : {"loss", "accuracy", "val_loss", "val_accuracy"})
      if (h.count(key) && static_cast<int>(h.at(key).size()) > e)
        out << " " << key << " " << h.at(key)[e];
    out << "\n";
  }
  const Tensor logits = model->predict(x_test, {.batch_size = 256});
  const std::vector<int64_t> predicted64 = mz::argmax(logits, -1).to_vector<int64_t>();
  const std::vector<int64_t> truth64 = y_test.to_vector<int64_t>();
  const std::vector<int> predicted(predicted64.begin(), predicted64.end());
  const std::vector<int> truth(truth64.begin(), truth64.end());
  const double acc = accuracy(truth, predicted);
  out << name << ": test accuracy " << acc << " on " << n_test << " images\n";

  // Training curves: accuracy (left) is what the figure of merit measures; loss goes with it.
  std::vector<plot::Series> curves;
  for (const char* key : {"accuracy", "val_accuracy", "loss", "val_loss"}) {
    if (!h.count(key)) continue;
    plot::Series s{key, {}, h.at(key)};
    for (std::size_t e = 0; e < s.y.size(); ++e) s.x.push_back(static_cast<double>(e + 1));
    curves.push_back(s);
  }
  write_output(options, name + "_curves.svg",
               plot::line_chart_svg(curves, {.title = name + ": training curves (test accuracy " +
                                                      std::to_string(acc).substr(0, 6) + ")",
                                             .x_label = "epoch",
                                             .y_label = "accuracy, loss"}),
               result);
  write_output(options, name + "_confusion.svg",
               plot::confusion_matrix_svg(confusion_counts(truth, predicted, 10), fashion_classes(),
                                          name + ": Fashion-MNIST test set"),
               result);
  return acc;
}

}  // namespace mz::apps
