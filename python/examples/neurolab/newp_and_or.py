"""Single-layer perceptron (newp) learning logical AND and OR with the delta rule
(train_delta). Runs unchanged with ``import neurolab as nl``."""
import numpy as np

import merezha.neurolab as nl

inp = [[0, 0], [0, 1], [1, 0], [1, 1]]
for name, tar in [("AND", [[0], [0], [0], [1]]), ("OR", [[0], [1], [1], [1]])]:
    net = nl.net.newp([[0, 1], [0, 1]], 1)
    error = net.train(inp, tar, epochs=100, show=10, lr=0.1)
    print(name, "errors:", error)
    print(name, "weights:", net.layers[0].np["w"], "bias:", net.layers[0].np["b"])
    print(name, "output:", net.sim(inp).reshape(4))
