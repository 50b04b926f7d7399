#!/usr/bin/python3
# Golden files for tests/pool_parity_test.cpp: max and average pooling over 1 and 2 spatial
# axes ("valid", and "same" as Keras/TF define it: padding before = total // 2, the rest after;
# averages exclude the padding), plus UpSampling2D's bilinear interpolation, computed by
# PyTorch in float32 on channels_last inputs.
#
#   /usr/bin/python3 tools/golden/pool.py      (Debian python3-torch 1.13, numpy 1.24)
#
# Writes tests/golden/pool/<case>_{x,w,y,dx}.npy: the input x (batch, spatial..., channels),
# an upstream gradient w shaped like the output, the output y and dx = d sum(y * w) / dx.
# PyTorch's pooling pads symmetrically and counts padding in averages by default, so "same"
# is built from explicit padding: max pools a -inf padded input; average divides the pooled
# zero-padded input by the pooled zero-padded ones (the count of real cells per window).
# Regenerate only on purpose and review the diff.
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden",
                   "pool")

# name, mode, input shape (channels last), pool size, strides, padding
CASES = [
    ("max1d_valid", "max", (2, 9, 3), (3,), (2,), "valid"),
    ("max1d_same", "max", (2, 10, 3), (3,), (2,), "same"),
    ("avg1d_valid", "avg", (2, 9, 3), (4,), (3,), "valid"),
    ("avg1d_same", "avg", (2, 7, 3), (4,), (1,), "same"),
    ("max2d_valid", "max", (2, 7, 6, 3), (3, 2), (2, 1), "valid"),
    ("max2d_same", "max", (2, 7, 6, 3), (3, 3), (2, 2), "same"),
    ("max2d_same_overlap", "max", (1, 5, 5, 2), (3, 3), (1, 1), "same"),
    ("avg2d_valid", "avg", (2, 6, 6, 3), (2, 2), (2, 2), "valid"),
    ("avg2d_same", "avg", (2, 5, 6, 3), (2, 3), (1, 2), "same"),
    ("avg2d_same_overlap", "avg", (1, 5, 5, 2), (3, 3), (1, 1), "same"),
]


def same_pads(size, pool, stride):
    """TF's SAME padding (before, after) for one axis."""
    out = -(-size // stride)
    total = max((out - 1) * stride + pool - size, 0)
    return total // 2, total - total // 2


def pool(x_cl, mode, pool_size, strides, padding):
    """Pooling of a channels_last torch tensor, returned channels_last."""
    spatial = x_cl.dim() - 2
    to_cf = [0, spatial + 1] + list(range(1, spatial + 1))
    to_cl = [0] + list(range(2, spatial + 2)) + [1]
    x = x_cl.permute(*to_cf)
    pads = []  # F.pad order: last axis first, (before, after) each
    if padding == "same":
        for axis in reversed(range(spatial)):
            pads += list(same_pads(x.shape[2 + axis], pool_size[axis], strides[axis]))
    else:
        pads = [0, 0] * spatial
    fn = F.max_pool1d if spatial == 1 else F.max_pool2d
    avg = F.avg_pool1d if spatial == 1 else F.avg_pool2d
    if mode == "max":
        y = fn(F.pad(x, pads, value=-float("inf")), pool_size, strides)
    else:
        total = avg(F.pad(x, pads), pool_size, strides)
        count = avg(F.pad(torch.ones_like(x), pads), pool_size, strides)
        y = total / count
    return y.permute(*to_cl)


def save(name, **arrays):
    for key, value in arrays.items():
        np.save(os.path.join(OUT, f"{name}_{key}.npy"), np.ascontiguousarray(value))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20260301)
    for name, mode, shape, pool_size, strides, padding in CASES:
        x = torch.tensor(rng.normal(0.0, 1.0, size=shape).astype(np.float32), requires_grad=True)
        y = pool(x, mode, pool_size, strides, padding)
        w = torch.tensor(rng.normal(0.0, 1.0, size=tuple(y.shape)).astype(np.float32))
        (y * w).sum().backward()
        save(name, x=x.detach().numpy(), w=w.numpy(), y=y.detach().numpy(),
             dx=x.grad.numpy())
    # UpSampling2D(size=(2, 3), interpolation="bilinear"): TF's half-pixel resize, which
    # torch's interpolate(align_corners=False) matches.
    x = torch.tensor(rng.normal(0.0, 1.0, size=(2, 3, 4, 2)).astype(np.float32),
                     requires_grad=True)
    y = F.interpolate(x.permute(0, 3, 1, 2), scale_factor=(2, 3), mode="bilinear",
                      align_corners=False).permute(0, 2, 3, 1)
    w = torch.tensor(rng.normal(0.0, 1.0, size=tuple(y.shape)).astype(np.float32))
    (y * w).sum().backward()
    save("upsampling2d_bilinear", x=x.detach().numpy(), w=w.numpy(), y=y.detach().numpy(),
         dx=x.grad.numpy())


if __name__ == "__main__":
    main()
