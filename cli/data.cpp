// Reading, scaling and splitting a spec's data, checking it against a model's input, and
// writing predictions as CSV or NPY.
#include "cli/data.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>

#include "mz/io/csv.h"
#include "mz/io/idx.h"
#include "mz/io/npy.h"
#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/index.h"
#include "mz/ops/reduce.h"

namespace mz::cli {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Tensor first_rows(const Tensor& t, int64_t n) {
  if (!t.defined() || n <= 0 || n >= t.size(0)) return t;
  return t.slice(0, 0, n);
}

Tensor as_float(const Tensor& x) { return x.dtype() == DType::f64 ? x : x.to(DType::f32); }

// The scaling of `spec`, its statistics taken from `train`.
struct Scaler {
  std::string kind = "none";
  double scale = 1.0, offset = 0.0;
  Tensor low, span;  // minmax: (x - low) / span; standard: (x - mean) / std

  Tensor apply(const Tensor& x) const {
    if (!x.defined() || kind == "none") return x;
    if (kind == "linear") return as_float(x) * scale + offset;
    return (as_float(x) - low) / span;
  }
};

Scaler make_scaler(const DataSpec& spec, const Tensor& train) {
  Scaler s;
  s.kind = spec.scaling;
  s.scale = spec.scale;
  s.offset = spec.offset;
  if (s.kind == "minmax") {
    Tensor x = as_float(train);
    s.low = min(x, {0});
    s.span = clip(max(x, {0}) - s.low, 1e-12, std::numeric_limits<double>::infinity());
  } else if (s.kind == "standard") {
    Tensor x = as_float(train);
    s.low = mean(x, {0});
    s.span = clip(std(x, {0}), 1e-7, std::numeric_limits<double>::infinity());
  }
  return s;
}

void check_same_rows(const LoadedData& d, const std::string& x_path, const std::string& y_path) {
  if (d.x_train.defined() && d.y_train.defined() && d.x_train.size(0) != d.y_train.size(0))
    throw ValueError(str("data: \"", x_path, "\" has ", d.x_train.size(0), " samples but \"",
                         y_path, "\" has ", d.y_train.size(0), " labels."));
}

}  // namespace

std::string data_format(const std::string& path, const std::string& spec_format) {
  if (!spec_format.empty()) return spec_format;
  if (ends_with(path, ".csv")) return "csv";
  if (ends_with(path, ".npy")) return "npy";
  return "idx";
}

LoadedData read_xy(const std::string& x_path, const std::string& y_path, const DataSpec& spec) {
  LoadedData d;
  const std::string format = data_format(x_path, spec.format);
  DType label_dtype = spec.label_dtype == "float32" ? DType::f32 : DType::i64;
  if (format == "csv") {
    io::CsvOptions o{.header = spec.header, .delimiter = spec.delimiter[0]};
    if (y_path.empty()) {
      if (spec.label_column.empty()) {
        o.label_column = io::CsvColumn(-1);
      } else if (std::all_of(spec.label_column.begin(), spec.label_column.end(),
                             [](char c) { return (c >= '0' && c <= '9') || c == '-'; })) {
        o.label_column = io::CsvColumn(std::stoi(spec.label_column));
      } else {
        o.label_column = io::CsvColumn(spec.label_column);
      }
      o.label_dtype = label_dtype;
    }
    io::CsvData csv = io::read_csv(x_path, o);
    d.x_train = csv.x;
    d.y_train = csv.y;
  } else if (format == "npy") {
    d.x_train = io::read_npy(x_path);
  } else {
    d.x_train = io::read_idx(x_path);
  }
  if (!y_path.empty()) {
    const std::string y_format = data_format(y_path, spec.format);
    if (y_format == "csv") {
      d.y_train =
          io::read_csv(
              y_path, {.header = spec.header, .delimiter = spec.delimiter[0], .dtype = label_dtype})
              .x;
      if (d.y_train.rank() == 2 && d.y_train.size(1) == 1) d.y_train = d.y_train.reshape({-1});
    } else {
      d.y_train = y_format == "npy" ? io::read_npy(y_path) : io::read_idx(y_path);
      if (label_dtype == DType::f32 && d.y_train.dtype() != DType::f32)
        d.y_train = d.y_train.to(DType::f32);
    }
  }
  check_same_rows(d, x_path, y_path);
  return d;
}

namespace {

// load_data before scaling.
LoadedData load_unscaled(const DataSpec& spec, const std::string& base_dir, uint64_t seed,
                         bool need_train) {
  LoadedData out;
  const bool have_test_files = !spec.test.x.empty();
  if (need_train) {
    LoadedData train =
        read_xy(resolve_path(base_dir, spec.train.x), resolve_path(base_dir, spec.train.y), spec);
    out.x_train = train.x_train;
    out.y_train = train.y_train;
    if (!have_test_files && spec.test_split > 0) {
      const int64_t n = out.x_train.size(0);
      std::vector<int64_t> order(n);
      std::iota(order.begin(), order.end(), 0);
      if (spec.shuffle) {
        std::mt19937_64 rng(seed);
        std::shuffle(order.begin(), order.end(), rng);
      }
      const int64_t n_test = static_cast<int64_t>(static_cast<double>(n) * spec.test_split + 0.5);
      if (n_test <= 0 || n_test >= n)
        throw ValueError(str("data: test_split ", spec.test_split, " of ", n,
                             " samples leaves no training or no test samples."));
      Tensor index = tensor<int64_t>(order, Shape{n}, {.dtype = DType::i64});
      Tensor train_index = index.slice(0, 0, n - n_test);
      Tensor test_index = index.slice(0, n - n_test, n);
      Tensor x = out.x_train, y = out.y_train;
      out.x_train = take(x, train_index, 0);
      out.x_test = take(x, test_index, 0);
      if (y.defined()) {
        out.y_train = take(y, train_index, 0);
        out.y_test = take(y, test_index, 0);
      }
    }
    out.x_train = first_rows(out.x_train, spec.samples);
    out.y_train = first_rows(out.y_train, spec.samples);
  }
  if (have_test_files) {
    LoadedData test =
        read_xy(resolve_path(base_dir, spec.test.x), resolve_path(base_dir, spec.test.y), spec);
    out.x_test = test.x_train;
    out.y_test = test.y_train;
  }
  out.x_test = first_rows(out.x_test, spec.test_samples);
  out.y_test = first_rows(out.y_test, spec.test_samples);
  return out;
}

bool needs_statistics(const DataSpec& spec) {
  return spec.scaling == "minmax" || spec.scaling == "standard";
}

}  // namespace

LoadedData load_data(const DataSpec& spec, const std::string& base_dir, uint64_t seed,
                     bool test_only) {
  bool need_train = !test_only || spec.test.x.empty() || needs_statistics(spec);
  LoadedData out = load_unscaled(spec, base_dir, seed, need_train);
  Scaler scaler = make_scaler(spec, out.x_train);
  out.x_train = scaler.apply(out.x_train);
  out.x_test = scaler.apply(out.x_test);
  if (test_only) out.x_train = out.y_train = Tensor();
  return out;
}

Tensor scale_like_spec(const TrainSpec& spec, const Tensor& x) {
  Tensor train;
  if (needs_statistics(spec.data))
    train = load_unscaled(spec.data, spec.base_dir, spec.fit.seed, true).x_train;
  return make_scaler(spec.data, train).apply(x);
}

std::optional<Shape> model_sample_shape(const Model& model) {
  Shape batch;
  std::vector<KerasTensor> inputs = model.inputs();
  if (!inputs.empty()) {
    batch = inputs[0].shape();
  } else {
    Json c = model.config();
    if (!c.contains("layers") || !c["layers"].is_array() || c["layers"].empty())
      return std::nullopt;
    const Json& first = c["layers"][0];
    if (!first.contains("class_name") || first["class_name"] != "InputLayer" ||
        !first.contains("config") || !first["config"].contains("batch_shape"))
      return std::nullopt;
    std::vector<int64_t> dims;
    for (const Json& d : first["config"]["batch_shape"])
      dims.push_back(d.is_number_integer() ? d.get<int64_t>() : -1);
    batch = Shape(dims);
  }
  if (batch.rank() < 1) return std::nullopt;
  batch.erase(0);
  return batch;
}

std::string keras_shape_text(const Shape& shape) {
  std::string s = "(";
  for (int i = 0; i < shape.rank(); ++i)
    s += (i ? ", " : "") + (shape[i] < 0 ? std::string("None") : std::to_string(shape[i]));
  return s + (shape.rank() == 1 ? ",)" : ")");
}

Tensor fit_to_model(const Tensor& x, const Model& model, const std::string& who,
                    const std::string& what) {
  std::optional<Shape> want = model_sample_shape(model);
  if (!want || !x.defined()) return x;
  Shape got = x.shape();
  got.erase(0);
  bool same = got.rank() == want->rank();
  for (int i = 0; same && i < got.rank(); ++i) same = (*want)[i] < 0 || (*want)[i] == got[i];
  if (same) return x;
  bool known = std::all_of(want->begin(), want->end(), [](int64_t d) { return d >= 0; });
  if (known && want->numel() == got.numel()) {
    Shape target = *want;
    target.insert(0, x.size(0));
    return x.contiguous().reshape(target);
  }
  Shape model_input = *want;
  model_input.insert(0, -1);
  throw ValueError(
      str(who, ": ", what, " does not fit the model's input: expected samples of shape ",
          keras_shape_text(*want), " (the model's input is ", keras_shape_text(model_input),
          "), got ", keras_shape_text(got), " (", what, " is ", keras_shape_text(x.shape()), ")."));
}

void write_array(const std::string& path, const Tensor& t) {
  if (ends_with(path, ".npy")) {
    io::write_npy(path, t);
    return;
  }
  if (!ends_with(path, ".csv"))
    throw ValueError(str("write \"", path, "\": expected a path ending in .csv or .npy."));
  if (t.rank() != 1 && t.rank() != 2)
    throw ValueError(str("write \"", path, "\": a CSV holds 1-D or 2-D arrays, got shape ",
                         keras_shape_text(t.shape()), "; write .npy instead."));
  const int64_t rows = t.size(0), cols = t.rank() == 2 ? t.size(1) : 1;
  const bool integral = t.dtype() != DType::f32 && t.dtype() != DType::f64;
  std::string text;
  for (int64_t c = 0; c < cols; ++c) text += (c ? "," : "") + std::to_string(c);
  text += "\n";
  char cell[64];
  if (integral) {
    std::vector<int64_t> v = t.to(DType::i64).contiguous().to_vector<int64_t>();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        text += std::to_string(v[r * cols + c]) + (c + 1 < cols ? "," : "\n");
  } else {
    std::vector<double> v = t.to(DType::f64).contiguous().to_vector<double>();
    const char* fmt = t.dtype() == DType::f32 ? "%.9g" : "%.17g";
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        std::snprintf(cell, sizeof cell, fmt, v[r * cols + c]);
        text += std::string(cell) + (c + 1 < cols ? "," : "\n");
      }
  }
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out.flush())
      throw IoError(str("write \"", path, "\": cannot write the file (is the folder there?)."));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw IoError(str("write \"", path, "\": cannot write the file: ", ec.message(), "."));
}

Tensor read_array(const std::string& path, bool header) {
  if (ends_with(path, ".npy")) return io::read_npy(path);
  if (ends_with(path, ".csv")) return io::read_csv(path, {.header = header}).x;
  throw ValueError(str("read \"", path, "\": expected a path ending in .csv or .npy."));
}

}  // namespace mz::cli
