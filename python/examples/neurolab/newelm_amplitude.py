"""Elman recurrent net (newelm) detecting the amplitude of a sine, with InitRand weights and
the default train_gdx. Runs unchanged with ``import neurolab as nl``."""
import numpy as np

import merezha.neurolab as nl

np.random.seed(2)
i1 = np.sin(np.arange(0, 20))
i2 = np.sin(np.arange(0, 20)) * 2
t1 = np.ones([1, 20])
t2 = np.ones([1, 20]) * 2
inp = np.array([i1, i2, i1, i2]).reshape(20 * 4, 1)
tar = np.array([t1, t2, t1, t2]).reshape(20 * 4, 1)

net = nl.net.newelm([[-2, 2]], [10, 1], [nl.trans.TanSig(), nl.trans.PureLin()])
net.layers[0].initf = nl.init.InitRand([-0.1, 0.1], "wb")
net.layers[1].initf = nl.init.InitRand([-0.1, 0.1], "wb")
net.init()
error = net.train(inp, tar, epochs=300, show=100, goal=0.01)
print("final error: %.6f" % error[-1])
net.reset()
out = net.sim(inp)
print("mean output on amplitude 1 and 2:", np.round(out[:20].mean(), 3),
      np.round(out[20:40].mean(), 3))
