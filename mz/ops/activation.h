// Activation functions with Keras's names and defaults, plus the fused gradient act_grad.
#pragma once

#include <string>

#include "mz/backend/kernel.h"
#include "mz/core/tensor.h"

namespace mz {

Tensor relu(const Tensor& x);
// min(max(x, 0), 6).
Tensor relu6(const Tensor& x);
// x if x > 0 else negative_slope * x (Keras default 0.2 for the layer, 0.3 for the function
// leaky_relu in Keras 2; Keras 3 activations.leaky_relu uses 0.2).
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.2);
// x if x > 0 else alpha * (exp(x) - 1).
Tensor elu(const Tensor& x, double alpha = 1.0);
// scale * elu(x, alpha) with alpha = 1.67326324, scale = 1.05070098.
Tensor selu(const Tensor& x);
// x * Phi(x); approximate: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
Tensor gelu(const Tensor& x, bool approximate = false);
Tensor sigmoid(const Tensor& x);
// Keras 3: relu6(x + 3) / 6, i.e. clip(x / 6 + 0.5, 0, 1).
Tensor hard_sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
// log(1 + exp(x)), stable for large |x|.
Tensor softplus(const Tensor& x);
// x / (1 + |x|).
Tensor softsign(const Tensor& x);
// x * sigmoid(x) (Keras's silu and swish).
Tensor silu(const Tensor& x);
// dy * f'(x) where y = f(x), computed from y in one pass; f in {linear, relu, tanh, sigmoid}.
Tensor act_grad(const Tensor& dy, const Tensor& y, Act act);

// Applies an activation by Keras name: "relu", "tanh", "linear", "softmax", "swish", ...
// Throws ValueError listing the valid names.
Tensor activation(const std::string& name, const Tensor& x);
// The valid names, comma-separated, for messages.
const std::string& activation_names();
// True when `name` is a known activation.
bool is_activation(const std::string& name);

}  // namespace mz
