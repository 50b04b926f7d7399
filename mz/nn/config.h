// Keras-compatible configuration objects: JSON with Keras's keys, so configs round-trip
// through .keras files.
#pragma once

#include <nlohmann/json.hpp>

namespace mz {

using Json = nlohmann::json;

}  // namespace mz
