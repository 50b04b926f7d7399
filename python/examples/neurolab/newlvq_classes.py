"""Learning vector quantisation (newlvq + train_lvq) on two classes of 10 points. Runs
unchanged with ``import neurolab as nl``."""
import numpy as np

import merezha.neurolab as nl

inp = np.array([[-3, 0], [-2, 1], [-2, -1], [0, 2], [0, 1], [0, -1], [0, -2], [2, 1],
                [2, -1], [3, 0]])
tar = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1], [0, 1], [0, 1], [1, 0], [1, 0],
                [1, 0]])
net = nl.net.newlvq(nl.tool.minmax(inp), 4, [.5, .5])
error = net.train(inp, tar, epochs=1000, goal=-1, show=200)
print("prototypes:", np.round(net.layers[0].np["w"], 4).tolist())
print("classes:", np.argmax(net.sim(inp), axis=1))
