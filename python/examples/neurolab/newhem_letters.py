"""Hamming net (newhem) recognising 5 stored patterns and three probes; prints the MAXNET
iterations. Runs unchanged with ``import neurolab as nl``."""
import numpy as np

import merezha.neurolab as nl

target = [[-1, 1, -1, -1, 1, -1, -1, 1, -1],
          [1, 1, 1, 1, -1, 1, 1, -1, 1],
          [1, -1, 1, 1, 1, 1, 1, -1, 1],
          [1, 1, 1, 1, -1, -1, 1, -1, -1],
          [-1, -1, -1, -1, 1, -1, -1, -1, -1]]
probes = [[-1, -1, 1, 1, 1, 1, 1, -1, 1],
          [-1, -1, 1, -1, 1, -1, -1, -1, -1],
          [-1, -1, -1, -1, 1, -1, -1, 1, -1]]

net = nl.net.newhem(target)
output = net.sim(target)
print("Test on train samples (must be [0, 1, 2, 3, 4])")
print(np.argmax(output, axis=0))
output = net.sim([probes[0]])
print("Outputs on recurrent cycle:")
print(np.round(np.array(net.layers[1].outs), 6))
output = net.sim(probes)
print("Outputs on test sample:")
print(np.round(output, 6))
