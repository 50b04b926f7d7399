// Shared argument checks and config parsing of the spatial layers.
#include "mz/nn/layers/spatial_args.h"

#include "mz/core/error.h"

namespace mz::layers::detail {
namespace {

// "(1, 2)" for a list of values.
std::string tuple_text(const std::vector<int64_t>& values) { return to_string(Shape(values)); }

std::string pairs_text(const Pairs& pairs) {
  std::string s = "(";
  for (std::size_t i = 0; i < pairs.size(); ++i)
    s += str(i ? ", " : "", "(", pairs[i].first, ", ", pairs[i].second, ")");
  return s + (pairs.size() == 1 ? ",)" : ")");
}

int64_t json_int(const Json& v, const char* key, const Json& whole, const std::string& who) {
  if (!v.is_number_integer())
    throw ValueError(
        str(who, ": config \"", key, "\": expected integers, got ", whole.dump(), "."));
  return v.get<int64_t>();
}

}  // namespace

void expect_channels_last(const std::string& data_format, const std::string& who) {
  if (data_format == "channels_last") return;
  if (data_format == "channels_first")
    throw ValueError(str(who,
                         ": data_format \"channels_first\" is not supported: expected "
                         "\"channels_last\", got \"channels_first\". Keep the channels on the "
                         "last axis (Permute can move them there)."));
  throw ValueError(str(who, ": data_format must be \"channels_last\" or \"channels_first\", got \"",
                       data_format, "\"."));
}

const char* spatial_layout(int spatial) {
  switch (spatial) {
    case 1:
      return "(batch, steps, features)";
    case 2:
      return "(batch, height, width, channels)";
    default:
      return "(batch, depth, height, width, channels)";
  }
}

void expect_rank(const Shape& shape, int rank, const char* layout, const std::string& who) {
  if (shape.rank() != rank)
    throw ShapeError(
        str(who, ": input must be ", layout, ": expected rank ", rank, ", got ", shape, "."));
}

std::vector<int64_t> per_axis(const std::vector<int64_t>& values, int n, int64_t fallback,
                              int64_t min, const char* what, const std::string& who) {
  if (values.empty()) return std::vector<int64_t>(n, fallback);
  if (values.size() != 1 && static_cast<int>(values.size()) != n)
    throw ValueError(str(who, ": ", what, " needs 1 or ", n, " values: expected ", n, ", got ",
                         tuple_text(values), "."));
  std::vector<int64_t> out(n);
  for (int i = 0; i < n; ++i) {
    out[i] = values.size() == 1 ? values[0] : values[i];
    if (out[i] < min)
      throw ValueError(str(who, ": ", what, " values must be at least ", min, ": got ",
                           tuple_text(values), "."));
  }
  return out;
}

Pairs per_axis_pairs(const Pairs& pairs, int n, int64_t fallback, const char* what,
                     const std::string& who) {
  if (pairs.empty()) return Pairs(n, {fallback, fallback});
  if (pairs.size() != 1 && static_cast<int>(pairs.size()) != n)
    throw ValueError(str(who, ": ", what, " needs 1 or ", n, " (before, after) pairs: expected ", n,
                         ", got ", pairs_text(pairs), "."));
  Pairs out(n);
  for (int i = 0; i < n; ++i) {
    out[i] = pairs.size() == 1 ? pairs[0] : pairs[i];
    if (out[i].first < 0 || out[i].second < 0)
      throw ValueError(str(who, ": ", what, " must be non-negative: got ", pairs_text(pairs), "."));
  }
  return out;
}

std::vector<int64_t> config_ints(const Json& config, const char* key, int n,
                                 const std::vector<int64_t>& fallback, const std::string& who) {
  if (!config.is_object() || !config.contains(key) || config[key].is_null()) return fallback;
  const Json& v = config[key];
  if (v.is_number_integer()) return std::vector<int64_t>(n, v.get<int64_t>());
  if (!v.is_array() || static_cast<int>(v.size()) != n)
    throw ValueError(str(who, ": config \"", key, "\": expected an integer or a list of ", n,
                         " integers, got ", v.dump(), "."));
  std::vector<int64_t> out;
  for (const Json& e : v) out.push_back(json_int(e, key, v, who));
  return out;
}

Pairs config_pairs(const Json& config, const char* key, int n, const std::string& who) {
  if (!config.is_object() || !config.contains(key) || config[key].is_null()) return {};
  const Json& v = config[key];
  if (v.is_number_integer()) {
    const int64_t a = v.get<int64_t>();
    return Pairs(n, {a, a});
  }
  const char* forms = n == 1 ? "an integer or [before, after]"
                             : "an integer, a list of one integer per axis or of one "
                               "[before, after] list per axis";
  auto bad = [&] {
    return ValueError(
        str(who, ": config \"", key, "\": expected ", forms, ", got ", v.dump(), "."));
  };
  if (!v.is_array()) throw bad();
  if (n == 1) {
    if (v.size() != 2) throw bad();
    return Pairs{{json_int(v[0], key, v, who), json_int(v[1], key, v, who)}};
  }
  if (static_cast<int>(v.size()) != n) throw bad();
  Pairs out;
  for (const Json& e : v) {
    if (e.is_number_integer()) {
      out.push_back({e.get<int64_t>(), e.get<int64_t>()});
    } else if (e.is_array() && e.size() == 2) {
      out.push_back({json_int(e[0], key, v, who), json_int(e[1], key, v, who)});
    } else {
      throw bad();
    }
  }
  return out;
}

Json pairs_json(const Pairs& pairs) {
  if (pairs.size() == 1) return Json::array({pairs[0].first, pairs[0].second});
  Json out = Json::array();
  for (const auto& [before, after] : pairs) out.push_back(Json::array({before, after}));
  return out;
}

Json ints_json(const std::vector<int64_t>& values) {
  Json out = Json::array();
  for (int64_t v : values) out.push_back(v);
  return out;
}

}  // namespace mz::layers::detail
