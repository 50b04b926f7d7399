// MZ_ASSERT's failure path.
#include "mz/core/error.h"

namespace mz::detail {

void assert_failed(const char* condition, const std::string& message,
                   std::source_location where) {
  throw InternalError(str("internal error at ", where.file_name(), ":", where.line(), " (",
                          where.function_name(), "): ", condition, " failed",
                          message.empty() ? "" : ": ", message,
                          ". This is a bug in merezha; please report it."));
}

}  // namespace mz::detail
