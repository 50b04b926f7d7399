// Keras's L1, L2 and L1L2 penalties, their names and configs.
#include "mz/nn/regularizers.h"

#include <cmath>

#include "mz/ops/arith.h"
#include "mz/ops/creation.h"
#include "mz/ops/reduce.h"

namespace mz {
namespace regularizers {
namespace {

double checked_factor(double value, const char* who, const char* key) {
  if (!(value >= 0.0) || !std::isfinite(value))
    throw ValueError(str(who, ": ", key, " must be a non-negative number: expected ", key,
                         " >= 0, got ", value, "."));
  return value;
}

}  // namespace

L1::L1(double l1) : l1_(checked_factor(l1, "L1", "l1")) {}
Tensor L1::operator()(const Tensor& w) const { return sum(abs(w)) * l1_; }

L2::L2(double l2) : l2_(checked_factor(l2, "L2", "l2")) {}
Tensor L2::operator()(const Tensor& w) const { return sum(square(w)) * l2_; }

L1L2::L1L2(L1L2Options options) : options_(options) {
  checked_factor(options_.l1, "L1L2", "l1");
  checked_factor(options_.l2, "L1L2", "l2");
}

Tensor L1L2::operator()(const Tensor& w) const {
  Tensor total = zeros({}, {.dtype = w.dtype(), .device = w.device()});
  if (options_.l1 != 0.0) total = total + sum(abs(w)) * options_.l1;
  if (options_.l2 != 0.0) total = total + sum(square(w)) * options_.l2;
  return total;
}

}  // namespace regularizers

namespace {

const char* kValidNames = "l1, l2, l1_l2";

RegularizerPtr make(const std::string& name, const Json& c) {
  namespace R = regularizers;
  if (name == "L1" || name == "l1") return std::make_shared<R::L1>(config_get(c, "l1", 0.01, "L1"));
  if (name == "L2" || name == "l2") return std::make_shared<R::L2>(config_get(c, "l2", 0.01, "L2"));
  if (name == "L1L2" || name == "l1_l2")
    return std::make_shared<R::L1L2>(R::L1L2Options{.l1 = config_get(c, "l1", 0.0, "L1L2"),
                                                    .l2 = config_get(c, "l2", 0.0, "L1L2")});
  return nullptr;
}

}  // namespace

RegularizerPtr get_regularizer(const std::string& name) {
  RegularizerPtr r = make(name, Json::object());
  if (!r)
    throw ValueError(str("get_regularizer: unknown regularizer: expected one of ", kValidNames,
                         "; got \"", name, "\"."));
  return r;
}

RegularizerPtr regularizer_from_config(const Json& config) {
  if (config.is_null()) return nullptr;
  if (config.is_string()) return get_regularizer(config.get<std::string>());
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw ValueError(
        str("regularizer_from_config: expected a name or {\"class_name\": ..., "
            "\"config\": {...}}, got ",
            config.dump(), "."));
  std::string name = config["class_name"].get<std::string>();
  RegularizerPtr r = make(name, config.contains("config") ? config["config"] : Json::object());
  if (!r)
    throw ValueError(
        str("regularizer_from_config: unknown regularizer class: expected one of "
            "L1, L2, L1L2; got \"",
            name, "\"."));
  return r;
}

Json regularizer_to_config(const RegularizerPtr& regularizer) {
  if (!regularizer) return nullptr;
  return {{"module", "keras.regularizers"},
          {"class_name", regularizer->class_name()},
          {"config", regularizer->config()},
          {"registered_name", nullptr}};
}

}  // namespace mz
