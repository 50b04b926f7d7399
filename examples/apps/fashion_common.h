// The Fashion-MNIST runs shared by fashion_mlp and fashion_cnn: load and slice the data, train a
// compiled Keras-face model with a validation split, then draw its training curves and its
// confusion matrix on the test set.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "examples/apps/demos.h"
#include "mz/nn/model.h"

namespace mz::apps {

// Sizes of one run: training images (0: all 60,000), test images (0: all 10,000), epochs.
struct FashionRun {
  int64_t train = 0;
  int64_t test = 0;
  int epochs = 10;
  int64_t batch_size = 64;
};

// The ten Fashion-MNIST class names, in label order.
const std::vector<std::string>& fashion_classes();

// Builds a model with `make(steps)` (steps: the optimizer steps of the whole run, for a
// decaying rate), trains it on the first run.train images (the last 10% as validation),
// evaluates it on the first run.test test images, prints a line per epoch and writes
// NAME_curves.svg and NAME_confusion.svg. Returns the test accuracy. The data come from
// options.data_dir, else Debian's /usr/share/datasets/fashion-mnist.
double train_fashion(const std::string& name, const FashionRun& run,
                     const std::function<std::shared_ptr<Model>(int64_t steps)>& make, bool images,
                     const DemoOptions& options, std::ostream& out, DemoResult& result);

}  // namespace mz::apps
