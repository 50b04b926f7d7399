// The error hierarchy (DESIGN.md "The core") and mz::str, the message builder.
// Messages read "<who>: <what went wrong>: expected <X>, got <Y>." (STYLE.md §5).
#pragma once

#include <source_location>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mz {

// Base of every error merezha throws on purpose.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};
// Shapes that do not fit together (matmul inner dims, Dense input width, ...).
class ShapeError : public Error {
  using Error::Error;
};
// A value out of range or an unknown name (activation, loss, padding, label >= classes, ...).
class ValueError : public Error {
  using Error::Error;
};
// A file whose contents break its format (truncated IDX, bad NPY header, corrupt .keras, ...).
class FormatError : public Error {
  using Error::Error;
};
// The operating system refused (missing file, unwritable directory, short write, ...).
class IoError : public Error {
  using Error::Error;
};
// A device or kernel is missing ("merezha was built without CUDA", no float64 kernel, ...).
class BackendError : public Error {
  using Error::Error;
};
// A broken internal invariant: a bug in merezha, never the user's fault.
class InternalError : public Error {
  using Error::Error;
};

// Streams every argument into one string: str("got ", shape, " for ", name).
template <class... Args>
std::string str(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

namespace detail {
[[noreturn]] void assert_failed(const char* condition, const std::string& message,
                                std::source_location where);
}  // namespace detail

}  // namespace mz

// Checks an internal invariant; throws InternalError naming the condition and the place.
#define MZ_ASSERT(cond, ...)                                                             \
  do {                                                                                   \
    if (!(cond))                                                                         \
      ::mz::detail::assert_failed(#cond, ::mz::str("" __VA_OPT__(, ) __VA_ARGS__),       \
                                  std::source_location::current());                      \
  } while (0)
