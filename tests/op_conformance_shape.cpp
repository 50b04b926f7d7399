// Conformance of the joining and padding kernels the cpu backend overrides (backend/cpu/
// shape.cpp): pad (zero or constant, on any set of axes: ZeroPadding's spatial case included)
// and concat (on the first, a middle and the last axis) against ref, with strided inputs (the
// ref fallback) and 1 vs 2 threads bit for bit on large inputs.
#include "conformance.h"

namespace mz {
namespace {

using conformance::Entry;
using In = std::vector<Tensor>;
using Pads = std::vector<std::pair<int64_t, int64_t>>;

Entry pad_entry(std::string name, Shape shape, Pads pads, double value, Shape large) {
  return {.name = std::move(name),
          .fn = [pads, value](const In& x) { return pad(x[0], pads, value); },
          .shapes = {shape},
          .large = {large},
          .large_vs_ref = true};
}

Entry concat_entry(std::string name, std::vector<Shape> shapes, int axis,
                   std::vector<Shape> large) {
  return {.name = std::move(name),
          .fn = [axis](const In& x) { return concat(x, axis); },
          .shapes = std::move(shapes),
          .large = std::move(large),
          .large_vs_ref = true};
}

std::vector<Entry> shape_entries() {
  return {
      pad_entry("pad_matrix", {7, 13}, {{1, 2}, {0, 3}}, 0.0, {300, 301}),
      pad_entry("pad_spatial_nhwc", {2, 5, 6, 3}, {{0, 0}, {1, 1}, {2, 0}, {0, 0}}, 0.0,
                {8, 30, 30, 8}),
      pad_entry("pad_every_axis_constant", {3, 4, 5}, {{1, 0}, {2, 2}, {0, 1}}, 1.5, {30, 40, 60}),
      pad_entry("pad_first_axis_only", {4, 6, 5}, {{2, 3}, {0, 0}, {0, 0}}, -2.0, {40, 40, 50}),
      pad_entry("pad_nothing", {4, 5}, {{0, 0}, {0, 0}}, 0.0, {250, 300}),
      concat_entry("concat_first_axis", {{2, 5, 3}, {4, 5, 3}, {1, 5, 3}}, 0,
                   {{40, 50, 30}, {60, 50, 30}}),
      concat_entry("concat_middle_axis", {{3, 2, 4}, {3, 5, 4}}, 1, {{40, 100, 16}, {40, 60, 16}}),
      concat_entry("concat_last_axis", {{4, 3, 2}, {4, 3, 5}, {4, 3, 1}}, 2,
                   {{100, 50, 7}, {100, 50, 9}, {100, 50, 1}}),
  };
}

class ShapeConformance : public ::testing::TestWithParam<Entry> {};
TEST_P(ShapeConformance, MatchesRef) { conformance::check(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Ops, ShapeConformance, ::testing::ValuesIn(shape_entries()),
                         conformance::entry_name);

}  // namespace
}  // namespace mz
