// The archive plumbing of classic_file.h: writing a classic network's .keras container, and
// reading one back with checked access to its config entries and float64 tensors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mz/core/error.h"
#include "mz/core/tensor.h"
#include "mz/io/h5_weights.h"
#include "mz/nn/config.h"

namespace mz::io::detail {

// Sizes in a classic config (units, rows, layer widths) may not exceed this.
inline constexpr int64_t kClassicMaxDim = int64_t{1} << 31;

// Writes metadata.json (with "merezha_classic": true), config.json {"module":
// "merezha.classic", "class_name", "config"} and model.weights.h5 to `path` atomically. Throws
// ValueError unless path ends in ".keras", BackendError without libzip or libhdf5, IoError.
void write_classic_archive(const std::string& path, const std::string& class_name,
                           const Json& config, const H5Content& weights);

// A JSON value for messages, cut to 60 characters.
std::string shown(const Json& v);
// obj[key]; throws FormatError "<where>: missing entry "<key>"." (or for a non-object).
const Json& entry(const Json& obj, const char* key, const std::string& where);
// Typed entries; each throws FormatError "<where>: "<key>": expected ..., got ...".
int64_t get_int(const Json& obj, const char* key, const std::string& where, int64_t lo = 1,
                int64_t hi = kClassicMaxDim);
double get_double(const Json& obj, const char* key, const std::string& where);
std::string get_string(const Json& obj, const char* key, const std::string& where);
bool get_bool(const Json& obj, const char* key, const std::string& where);
// obj["seed"] as an unsigned 64-bit integer.
uint64_t get_seed(const Json& obj, const std::string& where);

// A classic archive read back: its class name, config and tensors, with checked accessors.
class ClassicArchive {
 public:
  // Reads and checks the container (members, metadata flag, module, class_name, config);
  // throws IoError when unreadable, FormatError "<call> "<path>": ..." otherwise.
  ClassicArchive(const std::string& path, const char* call);

  const std::string& who() const { return who_; }
  const std::string& class_name() const { return class_name_; }
  // "<who>: config.json", the prefix of config errors.
  std::string cwho() const { return who_ + ": config.json"; }
  const Json& config() const { return config_; }
  // Throws FormatError unless the archive holds class `want`.
  void expect_class(const std::string& want) const;
  // Whether model.weights.h5 holds dataset `name`.
  bool has(const std::string& name) const { return weights_.count(name) != 0; }
  // The float64 tensor `name` of shape `want`; FormatError when missing or otherwise.
  Tensor tensor(const std::string& name, const Shape& want) const;
  // tensor(name, want)'s values, row-major.
  std::vector<double> values(const std::string& name, const Shape& want) const;

 private:
  std::string who_, class_name_;
  Json config_;
  std::map<std::string, Tensor> weights_;
};

// Runs `make` and turns a construction error (a config the classes refuse) into FormatError
// naming the archive's config.json.
template <class F>
auto constructed(const ClassicArchive& a, F make) -> decltype(make()) {
  try {
    return make();
  } catch (const FormatError&) {
    throw;
  } catch (const Error& e) {
    throw FormatError(str(a.cwho(), ": ", e.what()));
  }
}

// `values` as a float64 tensor of shape `shape`.
Tensor vec_tensor(const std::vector<double>& values, const Shape& shape);

}  // namespace mz::io::detail
