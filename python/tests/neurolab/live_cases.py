"""Deterministic cases run twice, once through merezha.neurolab and once through real
neurolab (``python live_cases.py`` in a neurolab venv prints them as JSON): every
constructor and trainer from seeded random starts other than the goldens' ones."""
import json
import sys

import numpy as np


def cases(nl):
    """name -> list of floats, computed with module `nl` (neurolab or merezha.neurolab)."""
    out = {}
    T = nl.train
    rs = np.random.RandomState(21)
    x = rs.uniform(-1, 1, (40, 2))
    t = (0.5 * np.sin(3 * x[:, :1]) + 0.3 * x[:, 1:] ** 2)
    for seed in (1, 2):
        np.random.seed(seed)
        net = nl.net.newff([[-2, 3], [0, 1]], [6, 3, 2],
                           [nl.trans.TanSig(), nl.trans.LogSig(), nl.trans.PureLin()])
        out["newff_init_%d" % seed] = list(nl.tool.np_get(net))
    trainers = [("gd", dict(lr=0.01)), ("gdm", dict(lr=0.02)), ("gda", dict(lr=0.02)),
                ("gdx", dict(lr=0.02)), ("rprop", {}), ("gd_adapt", dict(lr=0.01, adapt=True)),
                ("rprop_adapt", dict(lr=0.01, adapt=True)),
                ("gdx_adapt", dict(lr=0.005, adapt=True))]
    for name, kw in trainers:
        np.random.seed(3)
        net = nl.net.newff([[-1, 1], [-1, 1]], [5, 1])
        net.trainf = getattr(T, "train_" + name.split("_")[0])
        err = net.train(x, t, epochs=30, show=0, goal=-1, **kw)
        out[name + ".errors"] = [float(e) for e in err]
        out[name + ".final"] = list(nl.tool.np_get(net))
    for ename in ["MSE", "MAE", "SAE"]:
        np.random.seed(4)
        net = nl.net.newff([[-1, 1], [-1, 1]], [4, 1])
        net.errorf = getattr(nl.error, ename)()
        net.trainf = T.train_gd
        out["gd_%s.errors" % ename] = [float(e) for e in
                                       net.train(x, t, epochs=20, show=0, goal=-1, lr=0.01)]
    np.random.seed(5)
    net = nl.net.newff([[-1, 1], [-1, 1]], [5, 1])
    out["bfgs.errors"] = [float(e) for e in net.train(x, t, epochs=10, show=0, goal=-1)]
    np.random.seed(6)
    net = nl.net.newp([[-1, 1], [-1, 1]], 1, nl.trans.HardLims())
    net.layers[0].np["w"][:] = np.random.uniform(-1, 1, (1, 2))
    err = net.train(x, np.sign(t - 0.2), epochs=20, show=0, lr=0.05, goal=-1)
    out["delta.errors"] = [float(e) for e in err]
    out["delta.final"] = list(nl.tool.np_get(net))
    for name in ["wta", "cwta"]:
        np.random.seed(7)
        net = nl.net.newc([[-1, 1], [-1, 1]], 5)
        net.trainf = getattr(T, "train_" + name)
        err = net.train(x, epochs=15, show=0, goal=-1, lr=0.05)
        out[name + ".errors"] = [float(e) for e in err]
        out[name + ".final"] = list(nl.tool.np_get(net))
    y = np.zeros((40, 2))
    y[:, 0] = x[:, 0] > 0
    y[:, 1] = 1 - y[:, 0]
    net = nl.net.newlvq([[-1, 1], [-1, 1]], 6, [0.5, 0.5])
    np.random.seed(8)
    net.layers[0].np["w"][:] = np.random.uniform(-1, 1, (6, 2))
    err = net.train(x, y, epochs=15, show=0, goal=-1, lr=0.05)
    out["lvq.errors"] = [float(e) for e in err]
    out["lvq.final"] = list(nl.tool.np_get(net))
    np.random.seed(9)
    net = nl.net.newelm([[-1, 1], [-1, 1]], [4, 1], [nl.trans.TanSig(), nl.trans.PureLin()])
    out["elm.init"] = list(nl.tool.np_get(net))
    net.layers[1].initf = nl.init.InitRand([-0.1, 0.1], "wb")
    net.init()
    err = net.train(x, t, epochs=20, show=0, goal=-1, lr=0.005)
    out["elm.errors"] = [float(e) for e in err]
    out["elm.sim"] = list(net.sim(x[:10]).ravel())
    pats = np.sign(np.random.RandomState(10).uniform(-1, 1, (3, 16)))
    probes = pats.copy()
    probes[:, :3] *= -1
    out["hop.sim"] = list(nl.net.newhop(pats).sim(probes).ravel())
    out["hem.sim"] = list(nl.net.newhem(pats).sim(probes).ravel())
    return out


if __name__ == "__main__":
    import run_with_neurolab  # noqa: F401  (patches neurolab 0.3.5 to master's initnw, newlvq)
    import neurolab
    json.dump(cases(neurolab), sys.stdout)
