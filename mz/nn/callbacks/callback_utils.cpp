// Helpers shared by the callbacks: Python-style float text, log name lists, and the typed
// reads of checkpointed callback state.
#include "mz/nn/callbacks/callback_utils.h"

#include <bit>
#include <charconv>
#include <cmath>

#include "mz/core/error.h"

namespace mz::detail {

std::string python_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::string s(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string log_names(const Logs& logs) {
  std::string s;
  for (const auto& [name, value] : logs) s += (s.empty() ? "" : ", ") + name;
  return s;
}

uint64_t double_bits(double v) { return std::bit_cast<uint64_t>(v); }

double bits_double(uint64_t bits) { return std::bit_cast<double>(bits); }

}  // namespace mz::detail

namespace mz::callbacks {
namespace {

const Json& state_field(const Json& state, const char* key, const std::string& who) {
  if (!state.is_object() || !state.contains(key))
    throw FormatError(str(who, ": expected a key \"", key, "\", got none."));
  return state.at(key);
}

[[noreturn]] void mistyped(const char* key, const char* kind, const Json& v,
                           const std::string& who) {
  throw FormatError(
      str(who, ": \"", key, "\": expected ", kind, ", got ", v.dump().substr(0, 80), "."));
}

}  // namespace

int64_t state_int(const Json& state, const char* key, const std::string& who) {
  const Json& v = state_field(state, key, who);
  if (!v.is_number_integer()) mistyped(key, "an integer", v, who);
  return v.get<int64_t>();
}

bool state_bool(const Json& state, const char* key, const std::string& who) {
  const Json& v = state_field(state, key, who);
  if (!v.is_boolean()) mistyped(key, "a boolean", v, who);
  return v.get<bool>();
}

double state_double(const Json& state, const char* key, const std::string& who) {
  const Json& v = state_field(state, key, who);
  if (!v.is_number_unsigned()) mistyped(key, "the bits of a double (an unsigned integer)", v, who);
  return detail::bits_double(v.get<uint64_t>());
}

}  // namespace mz::callbacks
