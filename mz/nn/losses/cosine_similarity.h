// CosineSimilarity: minus the cosine of the angle between y_true and y_pred along an axis
// (-1 for equal directions, 0 when either is a zero vector); Keras's loss and function.
#pragma once

#include <string>

#include "mz/nn/losses/loss.h"

namespace mz::losses {

// Keras's CosineSimilarity(axis, reduction, name).
struct CosineSimilarityOptions {
  int axis = -1;
  std::string reduction = "sum_over_batch_size";
  std::string name = "cosine_similarity";
};

// Keras's l2 normalisation: x * minimum(rsqrt(sum(x^2, axis, keepdims)), 1 / 1e-7).
Tensor l2_normalize(const Tensor& x, int axis = -1);
// -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): (batch, d) -> (batch,).
Tensor cosine_similarity(const Tensor& y_true, const Tensor& y_pred, int axis = -1);

// The CosineSimilarity loss object: call() gives the per-sample values of the function above,
// operator() weights and reduces them (Loss).
class CosineSimilarity : public Loss {
 public:
  explicit CosineSimilarity(CosineSimilarityOptions options = {});
  // The per-sample losses of cosine_similarity().
  Tensor call(const Tensor& y_true, const Tensor& y_pred) const override;
  std::string class_name() const override { return "CosineSimilarity"; }
  // Loss's keys plus "axis".
  Json config() const override;

 private:
  int axis_;
};

}  // namespace mz::losses
