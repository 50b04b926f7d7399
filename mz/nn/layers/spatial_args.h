// Argument checks and config parsing shared by the spatial layers (pooling, padding, cropping,
// upsampling, spatial dropout): data_format, input rank, per-axis tuples and (before, after)
// pairs in Keras's int / tuple / tuple-of-tuples forms.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mz/core/shape.h"
#include "mz/nn/config.h"

namespace mz::layers {

// (before, after) amounts per spatial axis: ZeroPadding's padding, Cropping's cropping.
using SpatialPairs = std::vector<std::pair<int64_t, int64_t>>;

}  // namespace mz::layers

namespace mz::layers::detail {

using Pairs = SpatialPairs;

// Accepts "channels_last"; throws ValueError for "channels_first" (these layers run
// channels_last only) and for anything else, naming `who`.
void expect_channels_last(const std::string& data_format, const std::string& who);

// The channels_last layout of a layer over `spatial` (1..3) axes, for messages:
// "(batch, steps, features)", "(batch, height, width, channels)",
// "(batch, depth, height, width, channels)".
const char* spatial_layout(int spatial);

// Throws ShapeError unless `shape` has `rank` dimensions; `layout` names them for the message,
// e.g. "(batch, height, width, channels)".
void expect_rank(const Shape& shape, int rank, const char* layout, const std::string& who);

// `n` values from Keras's int-or-tuple argument: empty gives `fallback` on every axis, one
// value goes to every axis. Throws ValueError for another count, or a value below `min`.
std::vector<int64_t> per_axis(const std::vector<int64_t>& values, int n, int64_t fallback,
                              int64_t min, const char* what, const std::string& who);

// `n` (before, after) pairs: empty gives (fallback, fallback) on every axis, one pair goes to
// every axis. Throws ValueError for another count or a negative amount.
Pairs per_axis_pairs(const Pairs& pairs, int n, int64_t fallback, const char* what,
                     const std::string& who);

// config[key] as n values: an int (every axis) or a list of n ints; `fallback` when absent.
std::vector<int64_t> config_ints(const Json& config, const char* key, int n,
                                 const std::vector<int64_t>& fallback, const std::string& who);

// config[key] as n pairs, in Keras's forms: an int (the same on both sides of every axis), for
// n = 1 a list [before, after], for n > 1 a list of n ints (symmetric per axis) or of n
// [before, after] lists. Empty when absent.
Pairs config_pairs(const Json& config, const char* key, int n, const std::string& who);

// Keras's JSON of pairs: [before, after] for one axis, [[before, after], ...] for more.
Json pairs_json(const Pairs& pairs);

// Keras's JSON of a tuple: a list of ints.
Json ints_json(const std::vector<int64_t>& values);

}  // namespace mz::layers::detail
