#!/usr/bin/python3
# Golden files for tests/ctc_parity_test.cpp: CTC loss and its gradient w.r.t. the logits, as
# keras.ops.ctc_loss computes them (log_softmax over the classes inside), from PyTorch:
#   torch.nn.functional.ctc_loss(log_softmax(logits).transpose(0, 1), targets, input_lengths,
#                                target_lengths, blank, reduction="none")
#
#   /usr/bin/python3 tools/golden/ctc.py      (Debian python3-torch 1.13, numpy 1.24)
#
# Two cases, each computed in float64 from logits drawn once and rounded to float32 (so the
# float32 inputs are exact and the float64 outputs are the reference for both dtypes):
#   small: batch 3, steps 6, classes 5, blank 0; labels [1 2 _], [3 3 1] (a repeat),
#          [4 _ _]; logit lengths 6, 5, 4 (steps past them carry no gradient).
#   long:  batch 2, steps 40, classes 7, blank 6 (the last class, TensorFlow's default);
#          labels of 12 and 9 with repeats; logits scaled by 4 so log space matters.
# Gradients are those of sum(loss * w) for a fixed weight w (batch,).
# Writes tests/golden/ctc/<case>_<name>.npy: logits (f32), labels, label_lengths,
# logit_lengths (int64), w, loss, dlogits (f64).
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden",
                   "ctc")


def write(case, logits, labels, label_lengths, logit_lengths, blank, rng):
    logits = logits.astype(np.float32)
    w = rng.uniform(0.5, 1.5, size=logits.shape[0])
    x = torch.tensor(logits.astype(np.float64), requires_grad=True)
    log_probs = F.log_softmax(x, dim=-1).transpose(0, 1)
    loss = F.ctc_loss(log_probs, torch.tensor(labels), torch.tensor(logit_lengths),
                      torch.tensor(label_lengths), blank=blank, reduction="none")
    (loss * torch.tensor(w)).sum().backward()
    arrays = {
        "logits": logits,
        "labels": np.asarray(labels, dtype=np.int64),
        "label_lengths": np.asarray(label_lengths, dtype=np.int64),
        "logit_lengths": np.asarray(logit_lengths, dtype=np.int64),
        "w": w,
        "loss": loss.detach().numpy(),
        "dlogits": x.grad.numpy(),
    }
    for name, a in arrays.items():
        np.save(os.path.join(OUT, f"{case}_{name}.npy"), a)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261215)
    write("small", rng.normal(0.0, 1.0, size=(3, 6, 5)),
          [[1, 2, 0], [3, 3, 1], [4, 0, 0]], [2, 3, 1], [6, 5, 4], 0, rng)

    labels = np.zeros((2, 12), dtype=np.int64)
    labels[0] = [0, 1, 1, 2, 5, 5, 5, 3, 0, 4, 4, 2]
    labels[1, :9] = [3, 3, 3, 1, 0, 2, 2, 5, 1]
    write("long", 4.0 * rng.normal(0.0, 1.0, size=(2, 40, 7)), labels, [12, 9], [40, 33], 6,
          rng)


if __name__ == "__main__":
    main()
