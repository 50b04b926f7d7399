// Initializers: Keras's weight initializers with Keras's names, arguments and defaults. The base
// class Initializer sits in mz (layer.h forward-declares it); the concrete ones in
// mz::initializers; get_initializer() and initializer_from_config() resolve names and configs.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "mz/core/generator.h"
#include "mz/core/tensor.h"
#include "mz/nn/config.h"

namespace mz {

class Initializer {
 public:
  virtual ~Initializer() = default;
  // A new tensor of `shape` and `dtype` holding the initial values (no autograd history).
  virtual Tensor operator()(const Shape& shape, DType dtype = DType::f32) const = 0;
  // Keras's class name ("GlorotUniform").
  virtual std::string class_name() const = 0;
  // Keras's config dict ({"seed": null}, {"mean": 0.0, "stddev": 0.05, "seed": null}, ...).
  virtual Json config() const { return Json::object(); }
};

using InitializerPtr = std::shared_ptr<Initializer>;

// Resolves a Keras name: "glorot_uniform", "GlorotUniform", "he_normal", "zeros", "ones",
// "orthogonal", ... with Keras's defaults. Throws ValueError listing the valid names.
InitializerPtr get_initializer(const std::string& name);
// From Keras's {"class_name": ..., "config": {...}} (also a bare name; null gives nullptr).
InitializerPtr initializer_from_config(const Json& config);
// Keras's serialized form {"module": "keras.initializers", "class_name", "config",
// "registered_name": null}; null for nullptr.
Json initializer_to_config(const InitializerPtr& initializer);

// What layer options accept as an initializer: a Keras name or an Initializer object.
class InitializerSpec {
 public:
  InitializerSpec() = default;
  InitializerSpec(const char* name) : ptr_(get_initializer(name)) {}         // NOLINT
  InitializerSpec(const std::string& name) : ptr_(get_initializer(name)) {}  // NOLINT
  InitializerSpec(InitializerPtr init) : ptr_(std::move(init)) {}            // NOLINT
  // (clang-format 14 mangles requires-clauses.)
  // clang-format off
  template <class T>
    requires std::derived_from<std::remove_cvref_t<T>, Initializer>
  InitializerSpec(T&& init)  // NOLINT
      : ptr_(std::make_shared<std::remove_cvref_t<T>>(std::forward<T>(init))) {}
  // clang-format on
  const InitializerPtr& get() const { return ptr_; }

 private:
  InitializerPtr ptr_;
};

// Keras's fan computation for a weight shape: () -> (1, 1); (n,) -> (n, n); (in, out);
// conv kernels (..., in, out) multiply both by the receptive field (all dims but the last two).
std::pair<double, double> compute_fans(const Shape& shape);

namespace initializers {

// An integer seed makes each call draw from a fresh Generator(seed), so every call gives the
// same values (Keras's rule); no seed draws from the default generator.
using Seed = std::optional<int64_t>;

// Keras's VarianceScaling(scale, mode, distribution, seed).
struct VarianceScalingOptions {
  double scale = 1.0;
  std::string mode = "fan_in";                    // "fan_in", "fan_out", "fan_avg"
  std::string distribution = "truncated_normal";  // also "untruncated_normal", "uniform"
  Seed seed{};
};

// n = fan_in, fan_out or their mean (each at least 1). truncated_normal: stddev
// sqrt(scale / n) / 0.87962566103423978 cut at 2 stddev; untruncated_normal: stddev
// sqrt(scale / n); uniform: [-limit, limit), limit = sqrt(3 scale / n). Throws ValueError for
// scale <= 0 or an unknown mode or distribution ("normal" means "truncated_normal").
class VarianceScaling : public Initializer {
 public:
  explicit VarianceScaling(VarianceScalingOptions options = {});
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "VarianceScaling"; }
  Json config() const override;
  const VarianceScalingOptions& options() const { return options_; }

 protected:
  VarianceScalingOptions options_;
};

// Uniform in [-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).
class GlorotUniform : public VarianceScaling {
 public:
  explicit GlorotUniform(Seed seed = std::nullopt);
  std::string class_name() const override { return "GlorotUniform"; }
  Json config() const override;
};
// Truncated normal, stddev sqrt(2 / (fan_in + fan_out)) after truncation.
class GlorotNormal : public VarianceScaling {
 public:
  explicit GlorotNormal(Seed seed = std::nullopt);
  std::string class_name() const override { return "GlorotNormal"; }
  Json config() const override;
};
// Uniform in [-limit, limit), limit = sqrt(6 / fan_in).
class HeUniform : public VarianceScaling {
 public:
  explicit HeUniform(Seed seed = std::nullopt);
  std::string class_name() const override { return "HeUniform"; }
  Json config() const override;
};
// Truncated normal, stddev sqrt(2 / fan_in) after truncation.
class HeNormal : public VarianceScaling {
 public:
  explicit HeNormal(Seed seed = std::nullopt);
  std::string class_name() const override { return "HeNormal"; }
  Json config() const override;
};
// Uniform in [-limit, limit), limit = sqrt(3 / fan_in).
class LecunUniform : public VarianceScaling {
 public:
  explicit LecunUniform(Seed seed = std::nullopt);
  std::string class_name() const override { return "LecunUniform"; }
  Json config() const override;
};
// Truncated normal, stddev sqrt(1 / fan_in) after truncation.
class LecunNormal : public VarianceScaling {
 public:
  explicit LecunNormal(Seed seed = std::nullopt);
  std::string class_name() const override { return "LecunNormal"; }
  Json config() const override;
};

// All zeros.
class Zeros : public Initializer {
 public:
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "Zeros"; }
};
// All ones.
class Ones : public Initializer {
 public:
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "Ones"; }
};
// All `value`.
class Constant : public Initializer {
 public:
  explicit Constant(double value = 0.0) : value_(value) {}
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "Constant"; }
  Json config() const override { return {{"value", value_}}; }

 private:
  double value_;
};

struct RandomUniformOptions {
  double minval = -0.05;
  double maxval = 0.05;
  Seed seed{};
};
// Uniform in [minval, maxval).
class RandomUniform : public Initializer {
 public:
  explicit RandomUniform(RandomUniformOptions options = {}) : options_(std::move(options)) {}
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "RandomUniform"; }
  Json config() const override;

 private:
  RandomUniformOptions options_;
};

struct RandomNormalOptions {
  double mean = 0.0;
  double stddev = 0.05;
  Seed seed{};
};
// Normal(mean, stddev).
class RandomNormal : public Initializer {
 public:
  explicit RandomNormal(RandomNormalOptions options = {}) : options_(std::move(options)) {}
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "RandomNormal"; }
  Json config() const override;

 private:
  RandomNormalOptions options_;
};

struct TruncatedNormalOptions {
  double mean = 0.0;
  double stddev = 0.05;
  Seed seed{};
};
// Normal(mean, stddev), values beyond two stddev redrawn.
class TruncatedNormal : public Initializer {
 public:
  explicit TruncatedNormal(TruncatedNormalOptions options = {}) : options_(std::move(options)) {}
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "TruncatedNormal"; }
  Json config() const override;

 private:
  TruncatedNormalOptions options_;
};

struct OrthogonalOptions {
  double gain = 1.0;
  Seed seed{};
};
// gain * Q from the QR decomposition of a normal (max(r, c), min(r, c)) matrix, signs fixed by
// diag(R) (Keras's rule), transposed when r < c; r = product of all dims but the last, c the
// last. Orthonormal columns (r >= c) or rows (r < c). Throws ValueError for rank < 2.
class Orthogonal : public Initializer {
 public:
  explicit Orthogonal(OrthogonalOptions options = {}) : options_(std::move(options)) {}
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "Orthogonal"; }
  Json config() const override;

 private:
  OrthogonalOptions options_;
};

struct IdentityOptions {
  double gain = 1.0;
};
// gain * eye(rows, cols); rank 2 only (ValueError otherwise).
class Identity : public Initializer {
 public:
  explicit Identity(IdentityOptions options = {}) : options_(options) {}
  Tensor operator()(const Shape& shape, DType dtype = DType::f32) const override;
  std::string class_name() const override { return "Identity"; }
  Json config() const override { return {{"gain", options_.gain}}; }

 private:
  IdentityOptions options_;
};

}  // namespace initializers
}  // namespace mz
