// PiecewiseConstantDecay: the rule of Keras's learning_rate_schedule.py.
#include "mz/nn/optimizers/schedules/piecewise_constant_decay.h"

namespace mz::optimizers::schedules {

PiecewiseConstantDecay::PiecewiseConstantDecay(std::vector<int64_t> boundaries,
                                               std::vector<double> values,
                                               PiecewiseConstantDecayOptions options)
    : boundaries_(std::move(boundaries)), values_(std::move(values)), options_(std::move(options)) {
  if (boundaries_.size() + 1 != values_.size())
    throw ValueError(
        str("PiecewiseConstantDecay: boundaries must have one element fewer than "
            "values: expected ",
            values_.empty() ? 0 : values_.size() - 1, " boundaries for ", values_.size(),
            " values, got ", boundaries_.size(), "."));
}

double PiecewiseConstantDecay::operator()(int64_t step) const {
  // The first interval whose upper boundary is not below step; past the last: the last value.
  for (std::size_t i = 0; i < boundaries_.size(); ++i)
    if (step <= boundaries_[i]) return values_[i];
  return values_.back();
}

Json PiecewiseConstantDecay::config() const {
  return {{"boundaries", boundaries_}, {"values", values_}, {"name", options_.name}};
}

}  // namespace mz::optimizers::schedules
