#!/usr/bin/python3
# Golden files for tests/conv_parity_test.cpp: Keras-style Conv2D (channels_last, kernel
# (kh, kw, in / groups, out), TF's "same" padding: total = max((ceil(n / s) - 1) s + (k - 1) d + 1
# - n, 0), before = total // 2) and Conv2DTranspose ("valid") run through PyTorch in float32 and
# float64: the output y, and the gradients of sum(y * g) for a fixed g with respect to x, the
# kernel and the bias. PyTorch computes in NCHW with OIHW kernels; the arrays are permuted on the
# way in and out, and "same" padding is an explicit F.pad, so nothing depends on torch's own
# padding rules.
#
#   /usr/bin/python3 tools/golden/conv.py      (Debian python3-torch 1.13, numpy 1.24)
#
# Writes tests/golden/conv_parity/<case>_<dtype>_<name>.npy, dtype f32 or f64, names x, kernel,
# bias, g, y, dx, dkernel, dbias. Values are drawn once in float64 from a fixed NumPy seed; the
# float32 case uses the same values rounded. Regenerate only on purpose and review the diff.
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden",
                   "conv_parity")

# name, x shape (NHWC), kernel (kh, kw), out channels, strides, dilation, padding, groups,
# transpose
CASES = [
    ("valid", (2, 7, 6, 3), (3, 3), 4, (1, 1), (1, 1), "valid", 1, False),
    ("same_stride2", (2, 8, 7, 3), (3, 3), 5, (2, 2), (1, 1), "same", 1, False),
    ("same_dilation2", (1, 9, 8, 2), (3, 2), 4, (1, 1), (2, 2), "same", 1, False),
    ("valid_strides_2_3", (2, 9, 8, 4), (4, 2), 3, (2, 3), (1, 1), "valid", 1, False),
    ("same_even_kernel", (1, 6, 7, 2), (4, 2), 3, (1, 1), (1, 1), "same", 1, False),
    ("groups2", (1, 6, 6, 4), (3, 3), 6, (1, 1), (1, 1), "valid", 2, False),
    ("lenet_conv1", (2, 28, 28, 1), (5, 5), 6, (1, 1), (1, 1), "valid", 1, False),
    ("transpose_valid_stride2", (2, 4, 5, 3), (3, 3), 2, (2, 2), (1, 1), "valid", 1, True),
]


def same_pads(n, k, s, d):
    out = math.ceil(n / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
    return total // 2, total - total // 2


def draw(case):
    name, xs, ks, out, strides, dil, padding, groups, transpose = case
    rng = np.random.default_rng(20261201 + len(name))
    cin = xs[-1]
    kshape = ks + ((out, cin) if transpose else (cin // groups, out))
    fan_in = ks[0] * ks[1] * (cin // groups)
    x = rng.normal(0.0, 1.0, size=xs)
    kernel = rng.uniform(-1.0, 1.0, size=kshape) / math.sqrt(fan_in)
    bias = rng.uniform(-0.5, 0.5, size=out)
    return x, kernel, bias


def run(case, dtype, x, kernel, bias):
    name, xs, ks, out, strides, dil, padding, groups, transpose = case
    xt = torch.tensor(x, dtype=dtype).permute(0, 3, 1, 2).contiguous().requires_grad_(True)
    # Keras (kh, kw, in / groups, out) -> torch conv2d's (out, in / groups, kh, kw); for the
    # transpose, Keras (kh, kw, out, in) -> conv_transpose2d's (in, out, kh, kw): one permutation.
    wt = torch.tensor(kernel, dtype=dtype).permute(3, 2, 0, 1).contiguous().requires_grad_(True)
    bt = torch.tensor(bias, dtype=dtype, requires_grad=True)
    if transpose:
        y = F.conv_transpose2d(xt, wt, bt, stride=strides, dilation=dil)
    else:
        inp = xt
        if padding == "same":
            (t, b) = same_pads(xs[1], ks[0], strides[0], dil[0])
            (l, r) = same_pads(xs[2], ks[1], strides[1], dil[1])
            inp = F.pad(xt, (l, r, t, b))
        y = F.conv2d(inp, wt, bt, stride=strides, dilation=dil, groups=groups)
    y_nhwc = y.permute(0, 2, 3, 1)
    rng = np.random.default_rng(7 + len(name))
    g = torch.tensor(rng.normal(0.0, 1.0, size=tuple(y_nhwc.shape)), dtype=dtype)
    (y_nhwc * g).sum().backward()
    to_np = lambda t: t.detach().numpy()
    return {
        "x": x.astype(np.float32 if dtype == torch.float32 else np.float64),
        "kernel": kernel.astype(np.float32 if dtype == torch.float32 else np.float64),
        "bias": bias.astype(np.float32 if dtype == torch.float32 else np.float64),
        "g": to_np(g),
        "y": to_np(y_nhwc).copy(),
        "dx": to_np(xt.grad.permute(0, 2, 3, 1)).copy(),
        "dkernel": to_np(wt.grad.permute(2, 3, 1, 0)).copy(),
        "dbias": to_np(bt.grad),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    for case in CASES:
        x, kernel, bias = draw(case)
        for tag, dtype in (("f32", torch.float32), ("f64", torch.float64)):
            # float32 runs on the float32-rounded draw.
            if dtype == torch.float32:
                x_, k_, b_ = (a.astype(np.float32).astype(np.float64) for a in (x, kernel, bias))
            else:
                x_, k_, b_ = x, kernel, bias
            arrays = run(case, dtype, x_, k_, b_)
            for key, value in arrays.items():
                np.save(os.path.join(OUT, f"{case[0]}_{tag}_{key}.npy"), np.ascontiguousarray(value))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
