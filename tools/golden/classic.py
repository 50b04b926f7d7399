#!/usr/bin/python3
"""Golden files for mz/classic (tests/golden/classic/): NumPy reference solutions.

Run: /usr/bin/python3 tools/golden/classic.py   (Debian NumPy 1.24.2, Python 3.11)
Writes
  newrbe_sinc.npy      (401, 2): newrbe predictions of sinc on 401 points of [-10, 10] for
                       spread 0.5 and 1.0 (21 design points, layer 2 by numpy.linalg.lstsq,
                       the minimum-norm solution of [W2 b2][A1; 1] = T, MATLAB's bias 0.8326/spread)
  hopfield_projection.npy (8, 8): W = X (X^T X)^-1 X^T, zero diagonal, for 3 fixed patterns
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "classic")


def sinc(x):
    return np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1.0, x))


def newrbe(p, t, spread):
    b = np.sqrt(np.log(2.0)) / spread
    a1 = np.exp(-(b * np.abs(p[:, None] - p[None, :])) ** 2)  # (Q, Q), row = sample
    design = np.hstack([a1, np.ones((len(p), 1))])
    sol, *_ = np.linalg.lstsq(design, t, rcond=None)
    return lambda x: np.exp(-(b * np.abs(x[:, None] - p[None, :])) ** 2) @ sol[:-1] + sol[-1]


def main():
    os.makedirs(OUT, exist_ok=True)
    p = np.linspace(-10, 10, 21)
    xs = np.linspace(-10, 10, 401)
    cols = [newrbe(p, sinc(p), s)(xs) for s in (0.5, 1.0)]
    np.save(os.path.join(OUT, "newrbe_sinc.npy"), np.stack(cols, axis=1))
    x = np.array([[1, -1, 1, -1, 1, -1, 1, -1],
                  [1, 1, -1, -1, 1, 1, -1, -1],
                  [1, 1, 1, 1, -1, -1, -1, 1]], dtype=np.float64).T  # (N, P)
    w = x @ np.linalg.inv(x.T @ x) @ x.T
    np.fill_diagonal(w, 0.0)
    np.save(os.path.join(OUT, "hopfield_projection.npy"), w)


if __name__ == "__main__":
    main()
