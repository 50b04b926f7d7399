// Helpers shared by the callbacks: Python-style float text and log name lists.
#include "mz/nn/callbacks/callback_utils.h"

#include <charconv>
#include <cmath>

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

}  // namespace mz::detail
