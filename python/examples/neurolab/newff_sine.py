"""Multi-layer perceptron (newff) fitting 0.5 sin(x) on 20 points, neurolab's way: default
TanSig layers, train_bfgs, SSE. Runs unchanged with ``import neurolab as nl``."""
import numpy as np

import merezha.neurolab as nl

np.random.seed(0)
x = np.linspace(-7, 7, 20)
y = np.sin(x) * 0.5
size = len(x)
inp = x.reshape(size, 1)
tar = y.reshape(size, 1)

net = nl.net.newff([[-10, 10]], [5, 1])
error = net.train(inp, tar, epochs=500, show=100, goal=0.02)
print("epochs run:", len(error))
print("final error: %.6f" % error[-1])

out = net.sim(inp)
print("output on 5 training points:", np.round(out[:5, 0], 4))
x2 = np.linspace(-6.0, 6.0, 7)
print("output on a finer grid:", np.round(net.sim(x2.reshape(x2.size, 1)).reshape(x2.size), 4))
