// Normalisation ops: batch norm over channels_last tensors (training statistics and the
// normalised output in one fused kernel), layer norm over the trailing axes, and their fused
// backward ops. Layers (nn/layers/*_normalization.*) build on these; start at batch_norm().
#pragma once

#include "mz/core/tensor.h"

namespace mz {

// What batch_norm() returns: the output and the batch statistics it used.
struct BatchNormOutput {
  Tensor y;     // x's shape
  Tensor mean;  // (C,): the per-channel batch mean; carries no gradient
  Tensor var;   // (C,): the per-channel batch variance, biased (ddof 0); carries no gradient
};

// Batch normalisation in training mode over a channels_last x (..., C): each channel is
// normalised with the mean and biased variance over every other axis,
//   y = (x - mean) / sqrt(var + epsilon) * gamma + beta,
// gamma and beta (C,) or undefined (scale = False: 1, center = False: 0). y is differentiable
// with respect to x, gamma and beta. Throws ShapeError when x has rank 0 or gamma/beta are not
// (C,), ValueError for an empty x, a non-floating x or mixed dtypes.
BatchNormOutput batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                           double epsilon);

// Batch normalisation with given statistics (inference with the moving mean and variance):
// y = (x - mean) / sqrt(var + epsilon) * gamma + beta, where mean, var, gamma and beta are
// (C,) vectors along `axis` of x (gamma/beta may be undefined); differentiable with respect
// to every input. Throws ShapeError when a vector does not have x's size along `axis`.
Tensor batch_norm_inference(const Tensor& x, const Tensor& mean, const Tensor& var,
                            const Tensor& gamma, const Tensor& beta, double epsilon, int axis = -1);

// Layer normalisation over the last `axes` axes of x (1 <= axes <= rank): each of the leading
// positions is normalised with the mean and biased variance of its trailing block,
//   y = (x - mean) / sqrt(var + epsilon) * gamma + beta,
// gamma and beta of x's trailing shape (or any shape with as many elements; read row-major)
// or undefined. Differentiable with respect to x, gamma and beta. Throws ShapeError for a bad
// `axes` or a gamma/beta of another size, ValueError for a non-floating x or mixed dtypes.
Tensor layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, int axes,
                  double epsilon);

// The three gradients of a normalisation.
struct NormGrads {
  Tensor dx;      // x's shape
  Tensor dgamma;  // gamma's size, as a vector
  Tensor dbeta;   // beta's size, as a vector
};

// The backward of batch_norm() in one fused kernel, given dy (x's shape) and the batch
// statistics mean and var (C,) that the forward returned; gamma (C,) or undefined (ones):
//   xhat = (x - mean) / sqrt(var + eps),  dbeta = sum(dy),  dgamma = sum(dy * xhat),
//   dx = gamma / sqrt(var + eps) * (dy - dbeta / M - xhat * dgamma / M), M = numel / C.
// When autograd records (an input requires grad and grad mode is on) it is computed with
// differentiable ops instead, so second derivatives exist.
NormGrads batch_norm_grad(const Tensor& dy, const Tensor& x, const Tensor& mean, const Tensor& var,
                          const Tensor& gamma, double epsilon);

// The backward of layer_norm() over the last `axes` axes, in one fused kernel; mean and var
// hold one value per leading position (any shape with that many elements):
//   xhat = (x - mean) / sqrt(var + eps),  g = dy * gamma,
//   dx = (g - mean_row(g) - xhat * mean_row(g * xhat)) / sqrt(var + eps),
//   dgamma = sum over rows of dy * xhat,  dbeta = sum over rows of dy.
// Differentiable through ops when autograd records, as batch_norm_grad.
NormGrads layer_norm_grad(const Tensor& dy, const Tensor& x, const Tensor& mean, const Tensor& var,
                          const Tensor& gamma, int axes, double epsilon);

}  // namespace mz
