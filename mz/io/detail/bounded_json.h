// JSON read from a file, parsed only after a scan refuses nesting deeper than kMaxJsonDepth
// (a hostile file must not exhaust the recursive parser's stack): config.json of .keras files
// and the model_config / training_config attributes of legacy .h5 files.
#pragma once

#include <string>
#include <string_view>

#include "mz/nn/config.h"

namespace mz::io::detail {

inline constexpr int kMaxJsonDepth = 256;

// The JSON value of `text`. Throws FormatError "<who>: nesting deeper than 256 levels;
// refusing it." or "<who>: not valid JSON: <parser's reason>.".
Json parse_bounded_json(std::string_view text, const std::string& who);

}  // namespace mz::io::detail
