// Axes: config conversion and range checks for the normalisation layers' `axis` argument.
#include "mz/nn/layers/normalization_axes.h"

#include <algorithm>

namespace mz::layers {

Json Axes::to_json() const {
  if (!is_list_) return Json(values_.front());
  Json list = Json::array();
  for (int a : values_) list.push_back(a);
  return list;
}

Axes Axes::from_json(const Json& value, const std::string& who) {
  if (value.is_number_integer()) return Axes(value.get<int>());
  if (value.is_array() && std::all_of(value.begin(), value.end(),
                                      [](const Json& a) { return a.is_number_integer(); })) {
    std::vector<int> axes;
    for (const Json& a : value) axes.push_back(a.get<int>());
    return Axes(std::move(axes));
  }
  throw ValueError(str(who, ": config \"axis\": expected an integer or a list of integers, got ",
                       value.dump(), "."));
}

std::vector<int> Axes::normalized(int rank, const std::string& who) const {
  if (values_.empty())
    throw ValueError(str(who,
                         ": axis must name at least one axis: expected a non-empty list, "
                         "got []."));
  std::vector<int> out;
  for (int a : values_) {
    if (a < -rank || a >= rank)
      throw ValueError(str(who, ": axis ", a, " is out of range for inputs of rank ", rank,
                           ": expected ", -rank, " to ", rank - 1, ", got ", a, "."));
    const int p = a < 0 ? a + rank : a;
    if (std::find(out.begin(), out.end(), p) != out.end())
      throw ValueError(str(who, ": axis ", to_json().dump(), " names axis ", p,
                           " twice: expected distinct axes."));
    out.push_back(p);
  }
  return out;
}

}  // namespace mz::layers
