#!/usr/bin/python3
# Golden files for tests/norm_parity_test.cpp: Keras 3 BatchNormalization (momentum 0.99,
# epsilon 1e-3) on a channels_last batch, in training mode (output, gradients, updated moving
# statistics) and in inference mode (output, gradients), and LayerNormalization (epsilon 1e-3)
# over the last axis and over the last two axes; float32 and float64.
#
#   /usr/bin/python3 tools/golden/batch_norm.py      (Debian python3-torch 1.13, numpy 1.24)
#
# Outputs and gradients come from torch.nn.functional.batch_norm / layer_norm (channels moved
# first for batch_norm). The moving statistics follow Keras 3, not torch: Keras updates
#   moving = moving * momentum + batch * (1 - momentum)
# with the BIASED batch variance (ops.moments), while torch's running_var uses the unbiased
# one; they are computed here in float64 NumPy and checked against torch's running_mean (which
# agrees) and torch's running_var rescaled by (n - 1) / n (which must then agree too).
# Gradients are those of sum(y * w) for a fixed cotangent w.
#
# Writes tests/golden/batch_norm/<dtype>_<name>.npy, dtype in f32, f64:
#   bn_x (8, 5, 4), bn_gamma, bn_beta, bn_moving_mean, bn_moving_variance (4,), bn_w (8, 5, 4);
#   bn_train_y, bn_train_dx, bn_train_dgamma, bn_train_dbeta, bn_train_moving_mean,
#   bn_train_moving_variance; bn_infer_y, bn_infer_dx, bn_infer_dgamma, bn_infer_dbeta
#   (inference uses the updated moving statistics);
#   ln_x (6, 3, 10), ln_w; ln1_gamma, ln1_beta (10,), ln1_y, ln1_dx, ln1_dgamma, ln1_dbeta;
#   ln2_gamma, ln2_beta (3, 10), ln2_y, ln2_dx, ln2_dgamma, ln2_dbeta.
# Values are drawn once in float64 from a fixed NumPy seed; float32 uses them rounded.
import os

import numpy as np
import torch
import torch.nn.functional as F

MOMENTUM = 0.99
EPSILON = 1e-3
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden",
                   "batch_norm")


def draw():
    rng = np.random.default_rng(20261203)
    d = {}
    d["bn_x"] = rng.normal(0.0, 1.5, size=(8, 5, 4)) + rng.uniform(-2.0, 2.0, size=4)
    d["bn_gamma"] = rng.uniform(0.5, 1.5, size=4)
    d["bn_beta"] = rng.uniform(-0.5, 0.5, size=4)
    d["bn_moving_mean"] = rng.uniform(-0.5, 0.5, size=4)
    d["bn_moving_variance"] = rng.uniform(0.5, 2.0, size=4)
    d["bn_w"] = rng.normal(0.0, 1.0, size=(8, 5, 4))
    d["ln_x"] = rng.normal(0.0, 2.0, size=(6, 3, 10)) + 1.0
    d["ln_w"] = rng.normal(0.0, 1.0, size=(6, 3, 10))
    d["ln1_gamma"] = rng.uniform(0.5, 1.5, size=10)
    d["ln1_beta"] = rng.uniform(-0.5, 0.5, size=10)
    d["ln2_gamma"] = rng.uniform(0.5, 1.5, size=(3, 10))
    d["ln2_beta"] = rng.uniform(-0.5, 0.5, size=(3, 10))
    return d


def leaf(a, dtype):
    return torch.tensor(a, dtype=dtype, requires_grad=True)


def batch_norm(d, dtype, training, moving_mean, moving_variance):
    """torch's batch_norm on the channels_last x; returns y and the gradients of sum(y * w)."""
    x, gamma, beta = leaf(d["bn_x"], dtype), leaf(d["bn_gamma"], dtype), leaf(d["bn_beta"], dtype)
    running_mean = torch.tensor(moving_mean, dtype=dtype)
    running_var = torch.tensor(moving_variance, dtype=dtype)
    y = F.batch_norm(x.permute(0, 2, 1), running_mean, running_var, gamma, beta,
                     training=training, momentum=1.0 - MOMENTUM, eps=EPSILON).permute(0, 2, 1)
    (y * torch.tensor(d["bn_w"], dtype=dtype)).sum().backward()
    out = {"y": y.detach().numpy(), "dx": x.grad.numpy(), "dgamma": gamma.grad.numpy(),
           "dbeta": beta.grad.numpy()}
    return out, running_mean.numpy(), running_var.numpy()


def layer_norm(d, dtype, prefix):
    x, gamma = leaf(d["ln_x"], dtype), leaf(d[prefix + "_gamma"], dtype)
    beta = leaf(d[prefix + "_beta"], dtype)
    y = F.layer_norm(x, tuple(gamma.shape), gamma, beta, eps=EPSILON)
    (y * torch.tensor(d["ln_w"], dtype=dtype)).sum().backward()
    return {prefix + "_y": y.detach().numpy(), prefix + "_dx": x.grad.numpy(),
            prefix + "_dgamma": gamma.grad.numpy(), prefix + "_dbeta": beta.grad.numpy()}


def keras_moving(d):
    """Keras 3's update in float64: biased batch variance."""
    x = d["bn_x"].reshape(-1, 4)
    mean, var = x.mean(axis=0), x.var(axis=0)  # ddof 0
    mm = d["bn_moving_mean"] * MOMENTUM + mean * (1.0 - MOMENTUM)
    mv = d["bn_moving_variance"] * MOMENTUM + var * (1.0 - MOMENTUM)
    return mm, mv, x.shape[0]


def run(d, dtype, np_dtype):
    out = {k: v.astype(np_dtype) for k, v in d.items()}
    mm, mv, n = keras_moving(d)
    train, torch_mm, torch_mv = batch_norm(d, dtype, True, d["bn_moving_mean"],
                                           d["bn_moving_variance"])
    # torch agrees on the mean; its variance update uses var * n / (n - 1).
    np.testing.assert_allclose(torch_mm, mm, rtol=1e-5 if np_dtype == np.float32 else 1e-12)
    x = d["bn_x"].reshape(-1, 4)
    torch_like = d["bn_moving_variance"] * MOMENTUM + x.var(axis=0, ddof=1) * (1.0 - MOMENTUM)
    np.testing.assert_allclose(torch_mv, torch_like, rtol=1e-5 if np_dtype == np.float32 else 1e-12)
    assert not np.allclose(mv, torch_like, rtol=1e-7), "biased and unbiased updates must differ"
    for k, v in train.items():
        out["bn_train_" + k] = v
    out["bn_train_moving_mean"] = mm.astype(np_dtype)
    out["bn_train_moving_variance"] = mv.astype(np_dtype)
    infer, _, _ = batch_norm(d, dtype, False, mm.astype(np_dtype), mv.astype(np_dtype))
    for k, v in infer.items():
        out["bn_infer_" + k] = v
    out.update(layer_norm(d, dtype, "ln1"))
    out.update(layer_norm(d, dtype, "ln2"))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    d = draw()
    for tag, dtype, np_dtype in (("f32", torch.float32, np.float32),
                                 ("f64", torch.float64, np.float64)):
        for name, value in run(d, dtype, np_dtype).items():
            np.save(os.path.join(OUT, f"{tag}_{name}.npy"), np.ascontiguousarray(value, np_dtype))
    print("wrote", OUT, "with torch", torch.__version__, "numpy", np.__version__)


if __name__ == "__main__":
    main()
