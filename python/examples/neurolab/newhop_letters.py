"""Hopfield net (newhop) storing the letters N, E, R, O on a 5x3 grid and restoring a noisy
one. Runs unchanged with ``import neurolab as nl``."""
import numpy as np

import merezha.neurolab as nl

target = np.array([[1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1],
                   [1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1],
                   [1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1],
                   [0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0]], dtype=float)
chars = ["N", "E", "R", "O"]
target[target == 0] = -1

net = nl.net.newhop(target)
output = net.sim(target)
print("Test on train samples:")
for i in range(len(target)):
    print(chars[i], (output[i] == target[i]).all())

test = np.array([0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1], dtype=float)
test[test == 0] = -1
out = net.sim([test])
print("Test on defaced E:", (out[0] == target[1]).all(), "Sim. steps",
      len(net.layers[0].outs))
