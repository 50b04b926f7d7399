// CosineSimilarity: Keras 3's cosine_similarity and ops.nn.normalize (order 2).
#include "mz/nn/losses/cosine_similarity.h"

#include "mz/nn/losses/loss_utils.h"
#include "mz/ops/ops.h"

namespace mz::losses {

Tensor l2_normalize(const Tensor& x, int axis) {
  Tensor inv_norm = rsqrt(sum(square(x), {axis}, true));
  return x * minimum(inv_norm, detail::scalar_like(1.0 / detail::kEpsilon, x));
}

Tensor cosine_similarity(const Tensor& y_true, const Tensor& y_pred, int axis) {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(detail::cast_like(y_true, y_pred), y_pred);
  return -sum(l2_normalize(t, axis) * l2_normalize(p, axis), {axis});
}

CosineSimilarity::CosineSimilarity(CosineSimilarityOptions options)
    : Loss(std::move(options.name), std::move(options.reduction)), axis_(options.axis) {}

Tensor CosineSimilarity::call(const Tensor& y_true, const Tensor& y_pred) const {
  auto [t, p] = detail::squeeze_or_expand_to_same_rank(y_true, y_pred);
  return cosine_similarity(t, p, axis_);
}

Json CosineSimilarity::config() const {
  Json c = Loss::config();
  c["axis"] = axis_;
  return c;
}

}  // namespace mz::losses
