// Data for the merezha command: IDX, CSV and NPY files read as a spec's `data` section says,
// scaled, split, and fitted to a model's input shape; arrays written back as CSV or NPY.
#pragma once

#include <optional>
#include <string>

#include "cli/spec.h"
#include "mz/core/tensor.h"
#include "mz/nn/model.h"

namespace mz::cli {

// Training and test arrays (a test set may be undefined).
struct LoadedData {
  Tensor x_train, y_train, x_test, y_test;
};

// The format of a data file: spec_format when set, else from the extension (".csv", ".npy",
// anything else IDX, gzipped or not).
std::string data_format(const std::string& path, const std::string& spec_format);

// Reads features (and, from a CSV, labels) from `x_path`, and labels from `y_path` when given.
// Paths are used as given. Throws mz's IoError/FormatError naming the file.
LoadedData read_xy(const std::string& x_path, const std::string& y_path, const DataSpec& spec);

// Reads the spec's data (paths relative to base_dir): the first `samples`, the test split
// (seeded shuffle), then the scaling, with the training set's statistics. With test_only, a
// training set that no step needs (test files given, no statistics to take) is not read.
LoadedData load_data(const DataSpec& spec, const std::string& base_dir, uint64_t seed,
                     bool test_only = false);

// x scaled as `train` scaled the spec's data (the statistics of minmax and standard come from
// its training set, read again): for raw files given to evaluate and predict with --spec.
Tensor scale_like_spec(const TrainSpec& spec, const Tensor& x);

// The shape of one sample the model takes, (784,) for Input((784,)); nullopt when the model
// does not declare it.
std::optional<Shape> model_sample_shape(const Model& model);

// x shaped for the model: unchanged when its samples have the model's sample shape, reshaped
// when they hold as many values (28x28 images into (784,)); else throws ValueError
//   "<who>: <what> does not fit the model's input: expected samples of shape (784,) (the
//    model's input is (None, 784)), got (28, 27) (<what> is (100, 28, 27))."
Tensor fit_to_model(const Tensor& x, const Model& model, const std::string& who,
                    const std::string& what);

// Writes a 1-D or 2-D array as CSV (a header row of column numbers "0,1,...", then one row
// per sample) or NPY, by the extension of `path`. Throws ValueError for another extension or
// rank, IoError when the file cannot be written.
void write_array(const std::string& path, const Tensor& t);

// Reads a CSV or NPY array by extension (a CSV: every column, as float32).
Tensor read_array(const std::string& path, bool header = true);

// "(None, 784)": a shape with an unknown dimension as Keras prints it.
std::string keras_shape_text(const Shape& shape);

}  // namespace mz::cli
