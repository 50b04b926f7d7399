// The command line and the data of the Fashion-MNIST examples.
#include "examples/common/fashion_setup.h"

#include <cstdlib>
#include <iostream>

namespace fashion {

Args parse_args(const char* program, int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << "usage: " << program
                << " [--data DIR] [--epochs N] [--threads N] [--samples N]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw mz::ValueError(mz::str(program, ": ", flag, " needs a value."));
    std::string value = argv[++i];
    if (flag == "--data")
      a.data = value;
    else if (flag == "--epochs")
      a.epochs = std::stoi(value);
    else if (flag == "--threads")
      a.threads = std::stoi(value);
    else if (flag == "--samples")
      a.samples = std::stoll(value);
    else
      throw mz::ValueError(mz::str(program, ": unknown option ", flag, "; see --help."));
  }
  return a;
}

Data load_data(const Args& args, const std::vector<int64_t>& image_shape) {
  if (args.threads > 0) mz::set_num_threads(args.threads);
  mz::set_seed(42);
  std::vector<int64_t> shape{-1};
  shape.insert(shape.end(), image_shape.begin(), image_shape.end());
  mz::io::Dataset data = mz::io::load_fashion_mnist(args.data);
  Data d{.x_train = data.x_train.reshape(mz::Shape(shape)),
         .y_train = data.y_train,
         .x_test = data.x_test.reshape(mz::Shape(shape)),
         .y_test = data.y_test};
  if (args.samples > 0) {
    d.x_train = d.x_train.slice(0, 0, args.samples);
    d.y_train = d.y_train.slice(0, 0, args.samples);
  }
  return d;
}

}  // namespace fashion
