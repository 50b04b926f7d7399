"""Competitive layer (newc) finding 4 cluster centres with train_cwta (the default) and
train_wta. Runs unchanged with ``import neurolab as nl``."""
import numpy as np

import merezha.neurolab as nl

np.random.seed(1)
centr = np.array([[0.2, 0.2], [0.4, 0.4], [0.7, 0.3], [0.2, 0.5]])
rand_norm = 0.05 * np.random.randn(100, 4, 2)
inp = np.array([centr + r for r in rand_norm])
inp.shape = (100 * 4, 2)
np.random.shuffle(inp)

net = nl.net.newc([[0.0, 1.0], [0.0, 1.0]], 4)
error = net.train(inp, epochs=200, show=20)
w = net.layers[0].np["w"]
print("cwta centres:", np.round(w[np.lexsort(w.T[::-1])], 3).tolist())

net = nl.net.newc([[0.0, 1.0], [0.0, 1.0]], 4)
net.trainf = nl.train.train_wta
error = net.train(inp, epochs=50, show=10)
print("wta final error: %.5f" % error[-1])
print("winner of (0.2, 0.2):", net.sim([[0.2, 0.2]]))
