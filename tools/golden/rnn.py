#!/usr/bin/python3
# Golden files for tests/rnn_parity_test.cpp: one LSTM and one GRU layer (4 features -> 3 units)
# over a fixed batch (3 samples, 5 steps) from fixed initial states, run through PyTorch in
# float32 and float64: every step's output, the final states, and the gradients of
# loss = sum(outputs * wo) + sum(h * wh) [+ sum(c * wc)] with respect to the inputs, the initial
# states and every weight.
#
#   /usr/bin/python3 tools/golden/rnn.py      (Debian python3-torch 1.13, numpy 1.24)
#
# Writes tests/golden/rnn/<cell>_<dtype>.npz (cell lstm or gru, dtype f32 or f64) with x, h0,
# [c0,] kernel, recurrent_kernel, bias, wo, wh, [wc,] outputs, h, [c,] and grad_<name> for x,
# h0, [c0,] kernel, recurrent_kernel and bias. Weights and their gradients are in Keras's
# layout (formats.md A1.4):
#   LSTM: kernel (in, 4u) = weight_ih.T, recurrent_kernel (u, 4u) = weight_hh.T; torch's gate
#         order i, f, g, o is Keras's i, f, c, o; Keras's one bias is bias_ih + bias_hh (the
#         generator sets bias_hh to 0, so grad bias = grad bias_ih).
#   GRU:  Keras's reset_after=True GRU is torch's GRU with gate blocks reordered: torch r, z, n
#         against Keras z, r, h; bias (2, 3u) = [input bias, recurrent bias] = [bias_ih, bias_hh]
#         reordered the same way.
# Values are drawn once in float64 from a fixed NumPy seed; the float32 case uses the same
# values rounded to float32. Regenerate only on purpose and review the diff.
import os

import numpy as np
import torch

BATCH, STEPS, FEATURES, UNITS = 3, 5, 4, 3
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden",
                   "rnn")


def keras_to_torch_gru(m, u):
    """Keras blocks z, r, h (last axis) -> torch blocks r, z, n (first axis of the transpose)."""
    z, r, h = m[..., :u], m[..., u:2 * u], m[..., 2 * u:]
    return np.concatenate([r, z, h], axis=-1)


def torch_to_keras_gru(m, u):
    """The inverse: torch blocks r, z, n (last axis) -> Keras z, r, h."""
    r, z, n = m[..., :u], m[..., u:2 * u], m[..., 2 * u:]
    return np.concatenate([z, r, n], axis=-1)


def draw(cell):
    rng = np.random.default_rng(20261128 if cell == "lstm" else 20261129)
    blocks = 4 if cell == "lstm" else 3
    v = {
        "x": rng.normal(0.0, 1.0, size=(BATCH, STEPS, FEATURES)),
        "h0": rng.uniform(-0.5, 0.5, size=(BATCH, UNITS)),
        "kernel": rng.uniform(-0.6, 0.6, size=(FEATURES, blocks * UNITS)),
        "recurrent_kernel": rng.uniform(-0.6, 0.6, size=(UNITS, blocks * UNITS)),
        "bias": rng.uniform(-0.3, 0.3, size=(blocks * UNITS,) if cell == "lstm"
                            else (2, blocks * UNITS)),
        "wo": rng.normal(0.0, 1.0, size=(BATCH, STEPS, UNITS)),
        "wh": rng.normal(0.0, 1.0, size=(BATCH, UNITS)),
    }
    if cell == "lstm":
        v["c0"] = rng.uniform(-0.5, 0.5, size=(BATCH, UNITS))
        v["wc"] = rng.normal(0.0, 1.0, size=(BATCH, UNITS))
    return v


def run(cell, dtype, v):
    """Forward and backward in `dtype`; returns name -> numpy array (Keras layout)."""
    u = UNITS
    t = lambda a: torch.tensor(a, dtype=dtype)
    x, h0 = t(v["x"]).requires_grad_(), t(v["h0"]).requires_grad_()
    if cell == "lstm":
        net = torch.nn.LSTM(FEATURES, u, batch_first=True).to(dtype)
        w_ih, w_hh = v["kernel"].T, v["recurrent_kernel"].T
        b_ih, b_hh = v["bias"], np.zeros_like(v["bias"])
    else:
        net = torch.nn.GRU(FEATURES, u, batch_first=True).to(dtype)
        w_ih = keras_to_torch_gru(v["kernel"], u).T
        w_hh = keras_to_torch_gru(v["recurrent_kernel"], u).T
        b_ih = keras_to_torch_gru(v["bias"][0], u)
        b_hh = keras_to_torch_gru(v["bias"][1], u)
    with torch.no_grad():
        net.weight_ih_l0.copy_(t(w_ih))
        net.weight_hh_l0.copy_(t(w_hh))
        net.bias_ih_l0.copy_(t(b_ih))
        net.bias_hh_l0.copy_(t(b_hh))
    if cell == "lstm":
        c0 = t(v["c0"]).requires_grad_()
        outputs, (h, c) = net(x, (h0[None], c0[None]))
        h, c = h[0], c[0]
        loss = (outputs * t(v["wo"])).sum() + (h * t(v["wh"])).sum() + (c * t(v["wc"])).sum()
    else:
        outputs, h = net(x, h0[None])
        h = h[0]
        loss = (outputs * t(v["wo"])).sum() + (h * t(v["wh"])).sum()
    loss.backward()
    np_ = lambda a: a.detach().numpy()
    out = {name: np_(t(value)) for name, value in v.items()}
    out.update({"outputs": np_(outputs), "h": np_(h), "grad_x": np_(x.grad),
                "grad_h0": np_(h0.grad)})
    g_ih, g_hh = np_(net.weight_ih_l0.grad), np_(net.weight_hh_l0.grad)
    g_bih, g_bhh = np_(net.bias_ih_l0.grad), np_(net.bias_hh_l0.grad)
    if cell == "lstm":
        out.update({"c": np_(c), "grad_c0": np_(c0.grad), "grad_kernel": g_ih.T.copy(),
                    "grad_recurrent_kernel": g_hh.T.copy(), "grad_bias": g_bih})
    else:
        out.update({"grad_kernel": torch_to_keras_gru(g_ih.T, u),
                    "grad_recurrent_kernel": torch_to_keras_gru(g_hh.T, u),
                    "grad_bias": np.stack([torch_to_keras_gru(g_bih, u),
                                           torch_to_keras_gru(g_bhh, u)])})
    return out


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for cell in ("lstm", "gru"):
        v = draw(cell)
        for tag, dtype in (("f32", torch.float32), ("f64", torch.float64)):
            arrays = {k: np.ascontiguousarray(a) for k, a in run(cell, dtype, v).items()}
            np.savez(os.path.join(OUT, f"{cell}_{tag}.npz"), **arrays)
    print(f"wrote {OUT}: torch {torch.__version__}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
