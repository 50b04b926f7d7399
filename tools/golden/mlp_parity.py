#!/usr/bin/python3
# Golden files for tests/mlp_parity_test.cpp: a 3-layer MLP (8 -> 16 relu -> 12 tanh -> 5 linear)
# with fixed weights, one fixed batch (6, 8) and integer labels, run through PyTorch in float32
# and float64: logits, mean softmax cross-entropy, and the gradient of every weight.
#
#   /usr/bin/python3 tools/golden/mlp_parity.py      (Debian python3-torch 1.13, numpy 1.24)
#
# Writes tests/golden/mlp_parity/<dtype>_<name>.npy for dtype in f32, f64 and names x, labels,
# kernel_<i>, bias_<i>, logits, loss, grad_kernel_<i>, grad_bias_<i> (i = 0, 1, 2). Kernels and
# their gradients are stored in Keras's layout (in, out): torch.nn.Linear's weight (out, in)
# transposed. Values are drawn once in float64 from a fixed NumPy seed; the float32 case uses
# the same values rounded to float32. Regenerate only on purpose and review the diff.
import os

import numpy as np
import torch
import torch.nn.functional as F

SIZES = [8, 16, 12, 5]
ACTIVATIONS = ["relu", "tanh", "linear"]
BATCH = 6
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden",
                   "mlp_parity")


def draw():
    """Weights (torch layout), input and labels in float64 from a fixed seed."""
    rng = np.random.default_rng(20261127)
    weights, biases = [], []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        weights.append(rng.uniform(-2 * bound, 2 * bound, size=(fan_out, fan_in)))
        biases.append(rng.uniform(-0.3, 0.3, size=fan_out))
    x = rng.normal(0.0, 1.0, size=(BATCH, SIZES[0]))
    labels = rng.integers(0, SIZES[-1], size=BATCH).astype(np.int64)
    return weights, biases, x, labels


def run(dtype, weights, biases, x, labels):
    """Forward, loss and backward in `dtype`; returns name -> numpy array."""
    ws = [torch.tensor(w, dtype=dtype, requires_grad=True) for w in weights]
    bs = [torch.tensor(b, dtype=dtype, requires_grad=True) for b in biases]
    h = torch.tensor(x, dtype=dtype)
    for w, b, act in zip(ws, bs, ACTIVATIONS):
        h = F.linear(h, w, b)
        if act == "relu":
            h = torch.relu(h)
        elif act == "tanh":
            h = torch.tanh(h)
    logits = h
    logits.retain_grad()
    loss = F.cross_entropy(logits, torch.tensor(labels), reduction="mean")
    loss.backward()
    out = {"x": torch.tensor(x, dtype=dtype).numpy(), "labels": labels,
           "logits": logits.detach().numpy(), "loss": loss.detach().numpy()}
    for i, (w, b) in enumerate(zip(ws, bs)):
        out[f"kernel_{i}"] = w.detach().numpy().T.copy()
        out[f"bias_{i}"] = b.detach().numpy()
        out[f"grad_kernel_{i}"] = w.grad.numpy().T.copy()
        out[f"grad_bias_{i}"] = b.grad.numpy()
    return out


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    weights, biases, x, labels = draw()
    # ReLU kinks must not sit at the batch's pre-activations: their gradient is a convention.
    pre = x @ weights[0].T + biases[0]
    assert np.abs(pre).min() > 1e-3, "a pre-activation is too close to the relu kink"
    for tag, dtype in (("f32", torch.float32), ("f64", torch.float64)):
        for name, value in run(dtype, weights, biases, x, labels).items():
            np.save(os.path.join(OUT, f"{tag}_{name}.npy"), np.array(value, order="C"))
    print(f"wrote {OUT}: torch {torch.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
