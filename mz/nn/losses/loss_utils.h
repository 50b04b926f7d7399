// Helpers shared by the losses and metrics: Keras's epsilon, squeeze_or_expand_to_same_rank,
// dtype alignment, and the weighted reduction of Loss.__call__ (keras/src/losses/loss.py).
#pragma once

#include <string>
#include <utility>

#include "mz/core/tensor.h"

namespace mz::detail {

// Keras's backend.epsilon(): the clip bound of probabilities and the guard of divisions.
inline constexpr double kEpsilon = 1e-7;

// Keras's squeeze_or_expand_to_same_rank: when the ranks differ by one and the longer one ends
// in 1, squeezes that axis (or, when the shorter is rank 1, expands it instead).
std::pair<Tensor, Tensor> squeeze_or_expand_to_same_rank(const Tensor& x1, const Tensor& x2,
                                                         bool expand_rank_1 = true);
// y_true cast to y_pred's dtype (labels may be integers), on y_pred's device.
Tensor cast_like(const Tensor& y_true, const Tensor& y_pred);
// A 0-d tensor holding `value` in t's dtype and device, for broadcasting.
Tensor scalar_like(double value, const Tensor& t);
// Per-sample losses weighted by sample_weight (batch,) or (batch, ...) and by an optional 0/1
// mask, then reduced ("sum_over_batch_size", "mean", "sum", "mean_with_sample_weight", "none")
// exactly as Keras 3's reduce_weighted_values. `who` names the loss in messages.
Tensor reduce_weighted_values(const Tensor& values, const Tensor& sample_weight, const Tensor& mask,
                              const std::string& reduction, const std::string& who);
// Throws ValueError naming `who` unless reduction is one Keras accepts.
void check_reduction(const std::string& reduction, const std::string& who);

}  // namespace mz::detail
