// Keras-compatible configuration objects: JSON with Keras's keys, so configs round-trip
// through .keras files.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "mz/core/error.h"

namespace mz {

using Json = nlohmann::json;

// config[key] as T (double, int64_t, int, bool or std::string), or `fallback` when the key is
// absent or null; throws ValueError "<who>: config "<key>": expected a number, got "abc"."
// when the value has another type. For from_config functions.
template <class T>
T config_get(const Json& config, const char* key, T fallback, const std::string& who) {
  if (!config.is_object() || !config.contains(key) || config.at(key).is_null()) return fallback;
  const Json& v = config.at(key);
  const char* expected = "a string";
  bool ok = false;
  if constexpr (std::is_same_v<T, bool>) {
    expected = "a boolean", ok = v.is_boolean();
  } else if constexpr (std::is_integral_v<T>) {
    expected = "an integer";
    ok = v.is_number_integer() ||
         (v.is_number_float() && v.get<double>() == static_cast<double>(v.get<int64_t>()));
    if (ok) return static_cast<T>(v.get<double>());
  } else if constexpr (std::is_floating_point_v<T>) {
    expected = "a number", ok = v.is_number();
  } else {
    ok = v.is_string();
  }
  if (!ok)
    throw ValueError(
        str(who, ": config \"", key, "\": expected ", expected, ", got ", v.dump(), "."));
  return v.get<T>();
}

}  // namespace mz
