// Keras's initializers: fans, VarianceScaling and its presets, constants, random draws,
// Orthogonal (Householder QR on the host, in double) and Identity; names and configs.
#include "mz/nn/initializers.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <vector>

#include "mz/ops/creation.h"
#include "mz/ops/random.h"

namespace mz {
namespace initializers {
namespace {

// Runs fn with Generator(seed) when a seed is given, else with the default generator.
Tensor draw(const Seed& seed, const std::function<Tensor(Generator&)>& fn) {
  if (seed) {
    Generator gen(static_cast<uint64_t>(*seed));
    return fn(gen);
  }
  return fn(default_generator());
}

void expect_floating_dtype(DType dtype, const std::string& who) {
  if (!is_floating(dtype))
    throw ValueError(str(who,
                         ": random initial values need a floating dtype: expected float32 "
                         "or float64, got ",
                         dtype_name(dtype), "."));
}

Json seed_json(const Seed& seed) { return seed ? Json(*seed) : Json(nullptr); }

}  // namespace

// ----- VarianceScaling and its presets -----

VarianceScaling::VarianceScaling(VarianceScalingOptions options) : options_(std::move(options)) {
  if (!(options_.scale > 0.0))
    throw ValueError(str("VarianceScaling: scale must be positive: expected scale > 0, got ",
                         options_.scale, "."));
  if (options_.mode != "fan_in" && options_.mode != "fan_out" && options_.mode != "fan_avg")
    throw ValueError(
        str("VarianceScaling: unknown mode: expected \"fan_in\", \"fan_out\" or "
            "\"fan_avg\", got \"",
            options_.mode, "\"."));
  std::string& d = options_.distribution;
  std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::tolower(c); });
  if (d == "normal") d = "truncated_normal";
  if (d != "truncated_normal" && d != "untruncated_normal" && d != "uniform")
    throw ValueError(
        str("VarianceScaling: unknown distribution: expected \"truncated_normal\", "
            "\"untruncated_normal\" or \"uniform\", got \"",
            d, "\"."));
}

Tensor VarianceScaling::operator()(const Shape& shape, DType dtype) const {
  expect_floating_dtype(dtype, class_name());
  auto [fan_in, fan_out] = compute_fans(shape);
  double scale = options_.scale;
  if (options_.mode == "fan_in")
    scale /= std::max(1.0, fan_in);
  else if (options_.mode == "fan_out")
    scale /= std::max(1.0, fan_out);
  else
    scale /= std::max(1.0, (fan_in + fan_out) / 2.0);
  TensorOptions to{.dtype = dtype};
  const std::string& dist = options_.distribution;
  return draw(options_.seed, [&](Generator& gen) {
    if (dist == "truncated_normal")
      // 0.879...: the stddev of a unit normal cut at +-2, so the result has stddev sqrt(scale).
      return truncated_normal(shape, 0.0, std::sqrt(scale) / 0.87962566103423978, to, gen);
    if (dist == "untruncated_normal") return normal(shape, 0.0, std::sqrt(scale), to, gen);
    double limit = std::sqrt(3.0 * scale);
    return uniform(shape, -limit, limit, to, gen);
  });
}

Json VarianceScaling::config() const {
  return {{"seed", seed_json(options_.seed)},
          {"scale", options_.scale},
          {"mode", options_.mode},
          {"distribution", options_.distribution}};
}

GlorotUniform::GlorotUniform(Seed seed)
    : VarianceScaling({.scale = 1.0, .mode = "fan_avg", .distribution = "uniform", .seed = seed}) {}
Json GlorotUniform::config() const { return {{"seed", seed_json(options_.seed)}}; }

GlorotNormal::GlorotNormal(Seed seed)
    : VarianceScaling(
          {.scale = 1.0, .mode = "fan_avg", .distribution = "truncated_normal", .seed = seed}) {}
Json GlorotNormal::config() const { return {{"seed", seed_json(options_.seed)}}; }

HeUniform::HeUniform(Seed seed)
    : VarianceScaling({.scale = 2.0, .mode = "fan_in", .distribution = "uniform", .seed = seed}) {}
Json HeUniform::config() const { return {{"seed", seed_json(options_.seed)}}; }

HeNormal::HeNormal(Seed seed)
    : VarianceScaling(
          {.scale = 2.0, .mode = "fan_in", .distribution = "truncated_normal", .seed = seed}) {}
Json HeNormal::config() const { return {{"seed", seed_json(options_.seed)}}; }

LecunUniform::LecunUniform(Seed seed)
    : VarianceScaling({.scale = 1.0, .mode = "fan_in", .distribution = "uniform", .seed = seed}) {}
Json LecunUniform::config() const { return {{"seed", seed_json(options_.seed)}}; }

LecunNormal::LecunNormal(Seed seed)
    : VarianceScaling(
          {.scale = 1.0, .mode = "fan_in", .distribution = "truncated_normal", .seed = seed}) {}
Json LecunNormal::config() const { return {{"seed", seed_json(options_.seed)}}; }

// ----- constants -----

Tensor Zeros::operator()(const Shape& shape, DType dtype) const {
  return zeros(shape, {.dtype = dtype});
}
Tensor Ones::operator()(const Shape& shape, DType dtype) const {
  return ones(shape, {.dtype = dtype});
}
Tensor Constant::operator()(const Shape& shape, DType dtype) const {
  return full(shape, value_, {.dtype = dtype});
}

// ----- random draws -----

Tensor RandomUniform::operator()(const Shape& shape, DType dtype) const {
  expect_floating_dtype(dtype, class_name());
  return draw(options_.seed, [&](Generator& gen) {
    return uniform(shape, options_.minval, options_.maxval, {.dtype = dtype}, gen);
  });
}
Json RandomUniform::config() const {
  return {
      {"seed", seed_json(options_.seed)}, {"minval", options_.minval}, {"maxval", options_.maxval}};
}

Tensor RandomNormal::operator()(const Shape& shape, DType dtype) const {
  expect_floating_dtype(dtype, class_name());
  return draw(options_.seed, [&](Generator& gen) {
    return normal(shape, options_.mean, options_.stddev, {.dtype = dtype}, gen);
  });
}
Json RandomNormal::config() const {
  return {{"seed", seed_json(options_.seed)}, {"mean", options_.mean}, {"stddev", options_.stddev}};
}

Tensor TruncatedNormal::operator()(const Shape& shape, DType dtype) const {
  expect_floating_dtype(dtype, class_name());
  return draw(options_.seed, [&](Generator& gen) {
    return truncated_normal(shape, options_.mean, options_.stddev, {.dtype = dtype}, gen);
  });
}
Json TruncatedNormal::config() const {
  return {{"seed", seed_json(options_.seed)}, {"mean", options_.mean}, {"stddev", options_.stddev}};
}

// ----- Orthogonal and Identity -----

namespace {

// Thin QR of the row-major (m, n) matrix a, m >= n, by Householder reflections. Returns Q
// (m, n) with its columns multiplied by sign(diag(R)), which makes Q unique (Keras's rule).
std::vector<double> orthonormal_q(std::vector<double> a, int64_t m, int64_t n) {
  std::vector<std::vector<double>> reflectors;  // v_k, unit length, acting on rows k..m-1
  std::vector<double> diag(n);
  for (int64_t k = 0; k < n; ++k) {
    std::vector<double> v(m - k);
    double norm = 0.0;
    for (int64_t i = k; i < m; ++i) v[i - k] = a[i * n + k], norm += v[i - k] * v[i - k];
    norm = std::sqrt(norm);
    double alpha = v[0] > 0 ? -norm : norm;  // the sign that avoids cancellation
    v[0] -= alpha;
    double vnorm = 0.0;
    for (double x : v) vnorm += x * x;
    vnorm = std::sqrt(vnorm);
    if (vnorm > 0)
      for (double& x : v) x /= vnorm;
    // R[k:, k:] -= 2 v (v^T R[k:, k:])
    for (int64_t j = k; j < n; ++j) {
      double dot = 0.0;
      for (int64_t i = k; i < m; ++i) dot += v[i - k] * a[i * n + j];
      for (int64_t i = k; i < m; ++i) a[i * n + j] -= 2.0 * v[i - k] * dot;
    }
    diag[k] = a[k * n + k];
    reflectors.push_back(std::move(v));
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  std::vector<double> q(m * n, 0.0);
  for (int64_t j = 0; j < n; ++j) q[j * n + j] = 1.0;
  for (int64_t k = n - 1; k >= 0; --k) {
    const std::vector<double>& v = reflectors[k];
    for (int64_t j = 0; j < n; ++j) {
      double dot = 0.0;
      for (int64_t i = k; i < m; ++i) dot += v[i - k] * q[i * n + j];
      for (int64_t i = k; i < m; ++i) q[i * n + j] -= 2.0 * v[i - k] * dot;
    }
  }
  for (int64_t j = 0; j < n; ++j) {
    double s = diag[j] > 0 ? 1.0 : (diag[j] < 0 ? -1.0 : 0.0);
    for (int64_t i = 0; i < m; ++i) q[i * n + j] *= s;
  }
  return q;
}

}  // namespace

Tensor Orthogonal::operator()(const Shape& shape, DType dtype) const {
  expect_floating_dtype(dtype, class_name());
  if (shape.rank() < 2)
    throw ValueError(
        str("Orthogonal: the shape must have rank >= 2: expected (rows, cols), got ", shape, "."));
  int64_t rows = 1;
  for (int i = 0; i + 1 < shape.rank(); ++i) rows *= shape[i];
  int64_t cols = shape.back();
  int64_t m = std::max(rows, cols), n = std::min(rows, cols);
  Tensor a = draw(options_.seed, [&](Generator& gen) {
    return normal({m, n}, 0.0, 1.0, {.dtype = DType::f64, .device = Device::cpu()}, gen);
  });
  std::vector<double> q = orthonormal_q(a.to_vector<double>(), m, n);
  std::vector<double> out(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      out[i * cols + j] = options_.gain * (rows >= cols ? q[i * n + j] : q[j * n + i]);
  return tensor(out, shape, {.dtype = dtype});
}

Json Orthogonal::config() const {
  return {{"seed", seed_json(options_.seed)}, {"gain", options_.gain}};
}

Tensor Identity::operator()(const Shape& shape, DType dtype) const {
  if (shape.rank() != 2)
    throw ValueError(
        str("Identity: the identity initializer makes 2-D matrices only: expected "
            "(rows, cols), got ",
            shape, "."));
  std::vector<double> out(shape.numel(), 0.0);
  for (int64_t i = 0; i < std::min(shape[0], shape[1]); ++i) out[i * shape[1] + i] = options_.gain;
  return tensor(out, shape, {.dtype = dtype});
}

}  // namespace initializers

// ----- fans, names and configs -----

std::pair<double, double> compute_fans(const Shape& shape) {
  if (shape.rank() < 1) return {1.0, 1.0};
  if (shape.rank() == 1) return {double(shape[0]), double(shape[0])};
  if (shape.rank() == 2) return {double(shape[0]), double(shape[1])};
  double receptive = 1.0;
  for (int i = 0; i + 2 < shape.rank(); ++i) receptive *= double(shape[i]);
  return {shape[shape.rank() - 2] * receptive, shape.back() * receptive};
}

namespace {

using initializers::Seed;
using Maker = std::function<InitializerPtr(const Json& config, const std::string& who)>;

Seed seed_from(const Json& c, const std::string& who) {
  if (!c.is_object() || !c.contains("seed") || c["seed"].is_null()) return std::nullopt;
  return config_get<int64_t>(c, "seed", 0, who);
}

// Keras class name -> maker from a config dict.
const std::map<std::string, Maker>& makers() {
  namespace I = initializers;
  static const std::map<std::string, Maker> table = {
      {"VarianceScaling",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::VarianceScaling>(I::VarianceScalingOptions{
             .scale = config_get(c, "scale", 1.0, w),
             .mode = config_get<std::string>(c, "mode", "fan_in", w),
             .distribution = config_get<std::string>(c, "distribution", "truncated_normal", w),
             .seed = seed_from(c, w)});
       }},
      {"GlorotUniform",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::GlorotUniform>(seed_from(c, w));
       }},
      {"GlorotNormal",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::GlorotNormal>(seed_from(c, w));
       }},
      {"HeUniform",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::HeUniform>(seed_from(c, w));
       }},
      {"HeNormal",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::HeNormal>(seed_from(c, w));
       }},
      {"LecunUniform",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::LecunUniform>(seed_from(c, w));
       }},
      {"LecunNormal",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::LecunNormal>(seed_from(c, w));
       }},
      {"Zeros", [](const Json&, const std::string&) { return std::make_shared<I::Zeros>(); }},
      {"Ones", [](const Json&, const std::string&) { return std::make_shared<I::Ones>(); }},
      {"Constant",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::Constant>(config_get(c, "value", 0.0, w));
       }},
      {"RandomUniform",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::RandomUniform>(
             I::RandomUniformOptions{.minval = config_get(c, "minval", -0.05, w),
                                     .maxval = config_get(c, "maxval", 0.05, w),
                                     .seed = seed_from(c, w)});
       }},
      {"RandomNormal",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::RandomNormal>(
             I::RandomNormalOptions{.mean = config_get(c, "mean", 0.0, w),
                                    .stddev = config_get(c, "stddev", 0.05, w),
                                    .seed = seed_from(c, w)});
       }},
      {"TruncatedNormal",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::TruncatedNormal>(
             I::TruncatedNormalOptions{.mean = config_get(c, "mean", 0.0, w),
                                       .stddev = config_get(c, "stddev", 0.05, w),
                                       .seed = seed_from(c, w)});
       }},
      {"Orthogonal",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::Orthogonal>(
             I::OrthogonalOptions{.gain = config_get(c, "gain", 1.0, w), .seed = seed_from(c, w)});
       }},
      {"Identity",
       [](const Json& c, const std::string& w) {
         return std::make_shared<I::Identity>(
             I::IdentityOptions{.gain = config_get(c, "gain", 1.0, w)});
       }},
  };
  return table;
}

// The names Keras's initializers.get accepts: snake_case names (listed in messages), class
// names and Keras's aliases, each mapped to its class name.
const std::vector<std::pair<std::string, std::string>>& aliases() {
  static const std::vector<std::pair<std::string, std::string>> table = {
      {"glorot_uniform", "GlorotUniform"},
      {"glorot_normal", "GlorotNormal"},
      {"he_uniform", "HeUniform"},
      {"he_normal", "HeNormal"},
      {"lecun_uniform", "LecunUniform"},
      {"lecun_normal", "LecunNormal"},
      {"zeros", "Zeros"},
      {"ones", "Ones"},
      {"constant", "Constant"},
      {"random_uniform", "RandomUniform"},
      {"random_normal", "RandomNormal"},
      {"truncated_normal", "TruncatedNormal"},
      {"orthogonal", "Orthogonal"},
      {"identity", "Identity"},
      {"variance_scaling", "VarianceScaling"},
  };
  return table;
}

// The class name for any accepted spelling, or "" when unknown.
std::string canonical_class(const std::string& name) {
  if (makers().count(name)) return name;
  for (const auto& [alias, cls] : aliases())
    if (alias == name) return cls;
  static const std::map<std::string, std::string> extra = {{"IdentityInitializer", "Identity"},
                                                           {"OrthogonalInitializer", "Orthogonal"},
                                                           {"normal", "RandomNormal"},
                                                           {"uniform", "RandomUniform"},
                                                           {"zero", "Zeros"},
                                                           {"one", "Ones"}};
  auto it = extra.find(name);
  return it == extra.end() ? "" : it->second;
}

std::string valid_names() {
  std::string out;
  for (const auto& [alias, cls] : aliases()) out += (out.empty() ? "" : ", ") + alias;
  return out;
}

}  // namespace

InitializerPtr get_initializer(const std::string& name) {
  std::string cls = canonical_class(name);
  if (cls.empty())
    throw ValueError(str("get_initializer: unknown initializer: expected one of ", valid_names(),
                         "; got \"", name, "\"."));
  return makers().at(cls)(Json::object(), cls);
}

InitializerPtr initializer_from_config(const Json& config) {
  if (config.is_null()) return nullptr;
  if (config.is_string()) return get_initializer(config.get<std::string>());
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw ValueError(
        str("initializer_from_config: expected a name or {\"class_name\": ..., "
            "\"config\": {...}}, got ",
            config.dump(), "."));
  std::string name = config["class_name"].get<std::string>();
  std::string cls = canonical_class(name);
  if (cls.empty())
    throw ValueError(str("initializer_from_config: unknown initializer class: expected one of ",
                         valid_names(), " (or their class names); got \"", name, "\"."));
  Json inner = config.contains("config") ? config["config"] : Json::object();
  return makers().at(cls)(inner, cls);
}

Json initializer_to_config(const InitializerPtr& initializer) {
  if (!initializer) return nullptr;
  return {{"module", "keras.initializers"},
          {"class_name", initializer->class_name()},
          {"config", initializer->config()},
          {"registered_name", nullptr}};
}

}  // namespace mz
