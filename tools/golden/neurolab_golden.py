# Golden files for mz::classic::nl (mz/classic/neurolab/): runs real neurolab 0.3.5 from fixed
# initial weights and writes tests/golden/neurolab/cases.txt (one array per line:
# "<key> <rows> <cols> <values...>", values printed with 17 significant digits).
# Run with the venv of tools/golden/requirements-neurolab.txt:
#   /work/venvs/neurolab/bin/python tools/golden/neurolab_golden.py
# neurolab 0.3.5 differs from the master branch that the spec (and the C++ code) follows in two
# places used here (init.initnw, net.newlvq); neurolab_master.py patches in the master behaviour.
import os
import sys

import numpy as np
import neurolab as nl
from neurolab import init as nl_init
from neurolab import layer as nl_layer

import neurolab_master
from neurolab_master import newlvq_master

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "neurolab", "cases.txt")
lines = []


def put(key, a):
    a = np.atleast_1d(np.asarray(a, dtype=np.float64))
    rows, cols = (a.shape[0], a.shape[1]) if a.ndim == 2 else (1, a.size)
    vals = " ".join("%.17g" % v for v in a.ravel())
    lines.append("%s %d %d %s" % (key, rows, cols, vals))


neurolab_master.install()


# ---- transfer functions: values and derivatives on a grid ----
x = np.linspace(-3, 3, 13)
trans = {
    "tansig": nl.trans.TanSig(), "purelin": nl.trans.PureLin(), "logsig": nl.trans.LogSig(),
    "hardlim": nl.trans.HardLim(), "hardlims": nl.trans.HardLims(), "satlin": nl.trans.SatLin(),
    "satlins": nl.trans.SatLins(), "satlinprm": nl.trans.SatLinPrm(2, -0.5, 0.7),
    "softmax": nl.trans.SoftMax(),
}
put("trans.x", x)
for name, f in trans.items():
    y = f(x / 2 if name == "softmax" else x)
    put("trans.%s.y" % name, y)
    put("trans.%s.d" % name, f.deriv(x / 2 if name == "softmax" else x, y))
put("trans.competitive.y", nl.trans.Competitive()(np.array([0.5, 0.2, 0.9, 0.2])))

# ---- error functions: value on a batch and derivative on one sample ----
t = np.array([[0.2, 0.9, 0.0], [1.0, 0.4, 0.7]])
o = np.array([[0.1, 0.95, 0.3], [0.6, 0.4, 0.99]])
put("err.t", t)
put("err.o", o)
for name in ["SSE", "SAE", "MSE", "MAE", "CEE"]:
    f = getattr(nl.error, name)()
    put("err.%s.v" % name, f(t, o))
    put("err.%s.d" % name, f.deriv(t[0], o[0]))

# ---- init functions (numpy's legacy MT19937, seeded) ----
np.random.seed(7)
net = nl.net.newff([[-1, 2], [0, 3]], [4, 3, 1])
put("init.newff_draw_order", nl.tool.np_get(net))
np.random.seed(8)
net = nl.net.newff([[-1, 1]], [3, 1], [nl.trans.LogSig(), nl.trans.PureLin()])
put("init.initnw_ci1", nl.tool.np_get(net))
np.random.seed(9)
lay = nl_layer.Perceptron(3, 4, nl.trans.LogSig())
lay.inp_minmax[:] = [[0, 1]] * 3
nl_init.initwb_reg(lay)
put("init.initwb_reg_logsig", np.concatenate([lay.np['w'].ravel(), lay.np['b']]))
lay = nl_layer.Perceptron(2, 2, nl.trans.PureLin())
nl_init.initwb_reg(lay)
put("init.initwb_reg_purelin", np.concatenate([lay.np['w'].ravel(), lay.np['b']]))
nl_init.InitRand([-0.1, 0.3], 'bw')(lay)
put("init.initrand_bw", np.concatenate([lay.np['w'].ravel(), lay.np['b']]))
nl_init.init_rand(lay, -2, 2, 'w')
put("init.init_rand_w", np.concatenate([lay.np['w'].ravel(), lay.np['b']]))
np.random.seed(10)
put("init.randint", [np.random.randint(0, 7) for _ in range(6)] + [np.random.randint(0, 1000)])

# ---- data shared by the training cases ----
rs = np.random.RandomState(3)
X2 = rs.uniform(-1, 1, (16, 2))
T1 = (0.6 * np.sin(2 * X2[:, 0]) * X2[:, 1] + 0.2 * X2[:, 0]).reshape(-1, 1)
put("data.x2", X2)
put("data.t1", T1)
W0 = rs.uniform(-0.6, 0.6, 4 * 2 + 4 + 4 + 1)  # 2-4-1 params: w0 (4x2), b0, w1 (1x4), b1
put("data.w0", W0)


def ff_case(key, trainf, errorf=None, transf=None, epochs=25, **kw):
    transf = transf or [nl.trans.TanSig(), nl.trans.PureLin()]
    net = nl.net.newff([[-1, 1], [-1, 1]], [4, 1], transf)
    nl.tool.np_set(net, W0.copy())
    if errorf is not None:
        net.errorf = errorf
    net.trainf = trainf
    tgt = T1 if not isinstance(errorf, nl.error.CEE) else (T1 + 1) / 2
    err = net.train(X2, tgt, epochs=epochs, show=0, goal=kw.pop("goal", -1.0), **kw)
    put(key + ".errors", err)
    put(key + ".final", nl.tool.np_get(net))


T = nl.train
ff_case("gd", T.train_gd, lr=0.02)
ff_case("gd_goal", T.train_gd, lr=0.02, goal=0.35)
ff_case("gd_adapt", T.train_gd, lr=0.02, adapt=True)
ff_case("gd_rr", T.train_gd, lr=0.02, rr=0.05)
ff_case("gd_mse", T.train_gd, nl.error.MSE(), lr=0.02)
ff_case("gd_sae", T.train_gd, nl.error.SAE(), lr=0.01)
ff_case("gd_mae", T.train_gd, nl.error.MAE(), lr=0.05)
ff_case("gd_cee", T.train_gd, nl.error.CEE(), [nl.trans.LogSig(), nl.trans.LogSig()], lr=0.05)
ff_case("gd_satlins", T.train_gd, None, [nl.trans.SatLins(), nl.trans.PureLin()], lr=0.02)
ff_case("gdm", T.train_gdm, lr=0.05, mc=0.8)
ff_case("gdm_adapt", T.train_gdm, lr=0.02, adapt=True)
ff_case("gda", T.train_gda, lr=0.05, epochs=40)
ff_case("gda_rr", T.train_gda, lr=0.05, rr=0.02)
ff_case("gdx", T.train_gdx, lr=0.05, epochs=40)
ff_case("gdx_rr", T.train_gdx, lr=0.05, rr=0.5)
ff_case("gdx_adapt", T.train_gdx, lr=0.01, adapt=True)
ff_case("rprop", T.train_rprop, epochs=40)
ff_case("rprop_adapt", T.train_rprop, lr=0.01, adapt=True)
for name in ["bfgs", "cg", "ncg"]:
    ff_case(name, getattr(T, "train_" + name), epochs=60, goal=0.0)
    lines.pop()  # final parameters are not compared for the scipy trainers

# ---- newp + train_delta ----
rs = np.random.RandomState(4)
X3 = rs.uniform(-1, 1, (12, 3))
T2 = np.stack([(X3 @ [1.0, -2.0, 0.5] > 0.1), (X3[:, 0] + X3[:, 2] > 0)], axis=1) * 1.0
net = nl.net.newp([[-1, 1]] * 3, 2)
put("newp.init", nl.tool.np_get(net))
P0 = rs.uniform(-0.3, 0.3, 8)
nl.tool.np_set(net, P0.copy())
put("newp.x", X3)
put("newp.t", T2)
put("newp.w0", P0)
put("newp.errors", net.train(X3, T2, epochs=15, show=0, lr=0.1, goal=-1))
put("newp.final", nl.tool.np_get(net))

# ---- newelm + train_gdx (context carried across samples and epochs) ----
seq = np.sin(np.linspace(0, 3, 15)).reshape(-1, 1)
tseq = 0.5 * np.cos(np.linspace(0, 3, 15)).reshape(-1, 1)
net = nl.net.newelm([[-1, 1]], [3, 1], [nl.trans.TanSig(), nl.trans.PureLin()])
E0 = np.random.RandomState(5).uniform(-0.4, 0.4, 3 * 4 + 3 + 3 + 1)
nl.tool.np_set(net, E0.copy())
put("elm.x", seq)
put("elm.t", tseq)
put("elm.w0", E0)
put("elm.sim", net.sim(seq))
put("elm.errors", net.train(seq, tseq, epochs=20, show=0, lr=0.02, goal=-1))
put("elm.final", nl.tool.np_get(net))
put("elm.sim_after", net.sim(seq))

# ---- newc + wta / cwta (prototypes re-seeded from the data with np.random.randint) ----
rs = np.random.RandomState(6)
XC = np.concatenate([rs.normal(c, 0.15, (10, 2)) for c in [(0, 0), (1, 1), (0, 1)]])
put("newc.x", XC)
net = nl.net.newc([[-0.5, 1.5], [-0.5, 1.5]], 3)
put("newc.init", nl.tool.np_get(net))
for name in ["wta", "cwta"]:
    net = nl.net.newc([[-0.5, 1.5], [-0.5, 1.5]], 3)
    net.trainf = getattr(T, "train_" + name)
    np.random.seed(11)
    put("newc.%s.errors" % name, net.train(XC, epochs=20, show=0, lr=0.1, goal=-1))
    put("newc.%s.final" % name, nl.tool.np_get(net))

# ---- newlvq + train_lvq (adapt True and the adapt=False quirk) ----
YL = np.zeros((30, 2))
YL[:, 0] = (XC[:, 0] < 0.5)
YL[:, 1] = 1 - YL[:, 0]
put("lvq.t", YL)
for adapt in [True, False]:
    net = newlvq_master([[-0.5, 1.5], [-0.5, 1.5]], 4, [0.5, 0.5])
    if adapt:
        put("lvq.init", nl.tool.np_get(net))
    L0 = nl.tool.np_get(net)
    L0[:8] = [0.1, 0.1, 0.2, 0.8, 0.9, 0.9, 0.6, 0.2]
    nl.tool.np_set(net, L0)
    put("lvq.w0", L0)
    key = "lvq.adapt" if adapt else "lvq.batch"
    put(key + ".errors", net.train(XC, YL, epochs=15, show=0, lr=0.05, goal=-1, adapt=adapt))
    put(key + ".final", nl.tool.np_get(net))

# ---- newhop / newhem: weights and recall ----
pats = np.array([[1, -1, 1, -1, 1, 1, -1, 1], [1, 1, 1, -1, -1, -1, 1, 1],
                 [-1, -1, 1, 1, 1, -1, 1, -1]], dtype=float)
probes = np.array([[1, -1, 1, -1, 1, 1, -1, -1], [1, 1, -1, -1, -1, -1, 1, 1],
                   [-1, 1, 1, 1, 1, -1, 1, -1], [1, 1, 1, 1, 1, 1, 1, 1]], dtype=float)
put("hop.target", pats)
put("hop.probes", probes)
net = nl.net.newhop(pats)
put("hop.params", nl.tool.np_get(net))
put("hop.sim", net.sim(probes))
net = nl.net.newhem(pats)
put("hem.params", nl.tool.np_get(net))
put("hem.sim", net.sim(probes))

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote %d arrays to %s (%d bytes); numpy %s, python %s" %
      (len(lines), OUT, os.path.getsize(OUT), np.__version__, sys.version.split()[0]))
