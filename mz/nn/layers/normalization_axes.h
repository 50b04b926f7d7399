// Axes: Keras's `axis` argument of the normalisation layers, an int or a list of ints, kept as
// given so that configs round-trip (LayerNormalization, UnitNormalization).
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "mz/nn/config.h"

namespace mz::layers {

// One axis (Axes(-1), written to configs as -1) or a list (Axes({1, 2}), written as [1, 2]).
// Negative axes count from the end of the input's shape, batch axis included.
class Axes {
 public:
  Axes(int axis) : values_{axis} {}  // NOLINT: implicit on purpose, as Keras takes an int
  Axes(std::initializer_list<int> axes) : values_(axes), is_list_(true) {}
  explicit Axes(std::vector<int> axes) : values_(std::move(axes)), is_list_(true) {}

  const std::vector<int>& values() const { return values_; }
  bool is_list() const { return is_list_; }
  // The same axes as a list (Keras's LayerNormalization turns an int into [int] at build).
  Axes as_list() const { return Axes(values_); }
  // -1 or [1, 2].
  Json to_json() const;
  // From a config value: an integer or a list of integers; throws ValueError naming `who`
  // ("<who>: config "axis": expected an integer or a list of integers, got "x".").
  static Axes from_json(const Json& value, const std::string& who);
  // The axes mapped into [0, rank), in the given order; throws ValueError naming `who` for an
  // axis out of range or listed twice, or an empty list.
  std::vector<int> normalized(int rank, const std::string& who) const;

 private:
  std::vector<int> values_;
  bool is_list_ = false;
};

}  // namespace mz::layers
