// What the Fashion-MNIST examples (fashion_mlp, fashion_cnn) share: their command line and their
// data, loaded and sliced as the command line asks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mz/mz.h"

namespace fashion {

// The options both examples take.
struct Args {
  std::string data = "/usr/share/datasets/fashion-mnist";
  int epochs = 10;
  int threads = 0;      // 0: merezha's default (every core)
  int64_t samples = 0;  // 0: all 60,000 training images
};

// Parses [--data DIR] [--epochs N] [--threads N] [--samples N] for `program` ("fashion_mlp");
// --help prints the usage and exits; throws mz::ValueError for a missing value or an unknown
// option.
Args parse_args(const char* program, int argc, char** argv);

// The training and test sets, images still uint8.
struct Data {
  mz::Tensor x_train, y_train, x_test, y_test;
};

// Applies --threads, seeds merezha with 42, then loads Fashion-MNIST from args.data with the
// images reshaped to (n, *image_shape) and the training set cut to the first --samples images.
Data load_data(const Args& args, const std::vector<int64_t>& image_shape);

}  // namespace fashion
