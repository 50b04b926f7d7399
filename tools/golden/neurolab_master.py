"""neurolab master's init.initnw and net.newlvq, which merezha.neurolab and the spec follow where
neurolab 0.3.5 differs (written from the spec):
  - init.initnw: b = w.y + b with the unscaled w, then w = w*x (0.3.5 scales w first);
  - net.newlvq: 0.3.5 slices with floats and crashes on numpy >= 1.12.
Used by tools/golden/neurolab_golden.py and python/tests/neurolab/run_with_neurolab.py; install()
patches them into the imported neurolab.
"""
import numpy as np
import neurolab as nl
from neurolab import init as nl_init
from neurolab import layer as nl_layer
from neurolab.core import Net


def initnw_master(layer):
    ci, cn = layer.ci, layer.cn
    w_fix = 0.7 * cn ** (1.0 / ci)
    w_rand = np.random.rand(cn, ci) * 2 - 1
    if ci == 1:
        w_rand = w_rand / np.abs(w_rand)
    else:
        w_rand = np.sqrt(1.0 / np.square(w_rand).sum(axis=1).reshape(cn, 1)) * w_rand
    w = w_fix * w_rand
    b = np.array([0]) if cn == 1 else w_fix * np.linspace(-1, 1, cn) * np.sign(w[:, 0])
    amin, amax = layer.transf.inp_active
    amin = -1 if amin == -np.inf else amin
    amax = 1 if amax == np.inf else amax
    x = 0.5 * (amax - amin)
    y = 0.5 * (amax + amin)
    w = x * w
    b = x * b + y
    minmax = layer.inp_minmax.copy()
    minmax[np.isneginf(minmax)] = -1
    minmax[np.isinf(minmax)] = 1
    x = 2.0 / (minmax[:, 1] - minmax[:, 0])
    y = 1.0 - minmax[:, 1] * x
    b = np.dot(w, y) + b
    w = w * x
    layer.np['w'][:] = w
    layer.np['b'][:] = b


def newlvq_master(minmax, cn0, pc):
    pc = np.asfarray(pc)
    assert sum(pc) == 1
    ci = len(minmax)
    cn1 = len(pc)
    assert cn0 > cn1
    layer_inp = nl_layer.Competitive(ci, cn0)
    layer_out = nl_layer.Perceptron(cn0, cn1, nl.trans.PureLin())
    layer_out.initf = None
    layer_out.np['b'].fill(0.0)
    layer_out.np['w'].fill(0.0)
    inx = np.floor(cn0 * pc.cumsum()).astype(int)
    for n, i in enumerate(inx):
        st = 0 if n == 0 else inx[n - 1]
        layer_out.np['w'][n][st:i].fill(1.0)
    return Net(minmax, cn1, [layer_inp, layer_out], [[-1], [0], [1]], nl.train.train_lvq,
               nl.error.MSE())


def install():
    """Replaces neurolab's init.initnw and net.newlvq with the master versions above."""
    nl_init.initnw = initnw_master
    nl.net.init.initnw = initnw_master
    nl.net.newlvq = newlvq_master
