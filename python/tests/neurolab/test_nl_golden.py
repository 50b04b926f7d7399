"""merezha.neurolab against real neurolab 0.3.5 (goldens of tools/golden/neurolab_golden.py):
transfers, errors, initialisation draws after np.random.seed, every constructor and every
trainer on the deterministic cases (scipy trainers: trajectory and final quality)."""
import numpy as np
import pytest

import merezha.neurolab as nl


def close(a, e, rtol, atol):
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    e = np.asarray(e, dtype=np.float64).reshape(-1)
    assert a.shape == e.shape, "sizes differ: %s vs %s" % (a.shape, e.shape)
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol)


TRANS = {"tansig": nl.trans.TanSig(), "purelin": nl.trans.PureLin(),
         "logsig": nl.trans.LogSig(), "hardlim": nl.trans.HardLim(),
         "hardlims": nl.trans.HardLims(), "satlin": nl.trans.SatLin(),
         "satlins": nl.trans.SatLins(), "satlinprm": nl.trans.SatLinPrm(2, -0.5, 0.7),
         "softmax": nl.trans.SoftMax()}


@pytest.mark.parametrize("name", sorted(TRANS))
def test_transfer_values_and_derivatives(gold, name):
    f = TRANS[name]
    x = gold("trans.x")[0]
    if name == "softmax":
        x = x / 2
    y = f(x)
    close(y, gold("trans.%s.y" % name), 1e-15, 1e-15)
    close(f.deriv(x, y), gold("trans.%s.d" % name), 1e-15, 1e-15)


def test_competitive_transfer(gold):
    close(nl.trans.Competitive()([0.5, 0.2, 0.9, 0.2]), gold("trans.competitive.y"), 0, 0)


@pytest.mark.parametrize("name", ["SSE", "SAE", "MSE", "MAE", "CEE"])
def test_error_value_and_derivative(gold, name):
    f = getattr(nl.error, name)()
    t, o = gold("err.t"), gold("err.o")
    close([f(t, o)], gold("err.%s.v" % name), 1e-14, 0)
    close(f.deriv(t[0], o[0]), gold("err.%s.d" % name), 1e-14, 1e-15)


def test_newff_draws_what_neurolab_draws_after_seed(gold):
    np.random.seed(7)
    net = nl.net.newff([[-1, 2], [0, 3]], [4, 3, 1])
    close(nl.tool.np_get(net), gold("init.newff_draw_order"), 1e-12, 1e-12)
    np.random.seed(8)
    net = nl.net.newff([[-1, 1]], [3, 1], [nl.trans.LogSig(), nl.trans.PureLin()])
    close(nl.tool.np_get(net), gold("init.initnw_ci1"), 1e-12, 1e-12)


def test_net_init_redraws_like_construction(gold):
    net = nl.net.newff([[-1, 2], [0, 3]], [4, 3, 1])
    np.random.seed(7)
    net.init()
    close(nl.tool.np_get(net), gold("init.newff_draw_order"), 1e-12, 1e-12)


def test_init_functions(gold):
    np.random.seed(9)
    lay = nl.layer.Perceptron(3, 4, nl.trans.LogSig())
    lay.inp_minmax[:] = [[0, 1]] * 3
    nl.init.initwb_reg(lay)
    wb = lambda l: np.concatenate([l.np["w"].ravel(), l.np["b"]])  # noqa: E731
    close(wb(lay), gold("init.initwb_reg_logsig"), 1e-15, 1e-15)
    lay = nl.layer.Perceptron(2, 2, nl.trans.PureLin())
    nl.init.initwb_reg(lay)
    close(wb(lay), gold("init.initwb_reg_purelin"), 1e-13, 1e-13)
    nl.init.InitRand([-0.1, 0.3], "bw")(lay)
    close(wb(lay), gold("init.initrand_bw"), 1e-15, 1e-15)
    nl.init.init_rand(lay, -2, 2, "w")
    close(wb(lay), gold("init.init_rand_w"), 1e-15, 1e-15)


def ff_case(gold, trainf, errorf=None, transf=None, epochs=25, **kw):
    transf = transf or [nl.trans.TanSig(), nl.trans.PureLin()]
    net = nl.net.newff([[-1, 1], [-1, 1]], [4, 1], transf)
    nl.tool.np_set(net, gold("data.w0")[0].copy())
    if errorf is not None:
        net.errorf = errorf
    net.trainf = trainf
    t1 = gold("data.t1")
    tgt = t1 if not isinstance(errorf, nl.error.CEE) else (t1 + 1) / 2
    err = net.train(gold("data.x2"), tgt, epochs=epochs, show=0, goal=kw.pop("goal", -1.0),
                    **kw)
    return net, err


T = nl.train
GD_CASES = {
    "gd": (T.train_gd, None, None, dict(lr=0.02)),
    "gd_goal": (T.train_gd, None, None, dict(lr=0.02, goal=0.35)),
    "gd_adapt": (T.train_gd, None, None, dict(lr=0.02, adapt=True)),
    "gd_rr": (T.train_gd, None, None, dict(lr=0.02, rr=0.05)),
    "gd_mse": (T.train_gd, nl.error.MSE(), None, dict(lr=0.02)),
    "gd_sae": (T.train_gd, nl.error.SAE(), None, dict(lr=0.01)),
    "gd_mae": (T.train_gd, nl.error.MAE(), None, dict(lr=0.05)),
    "gd_cee": (T.train_gd, nl.error.CEE(), [nl.trans.LogSig(), nl.trans.LogSig()],
               dict(lr=0.05)),
    "gd_satlins": (T.train_gd, None, [nl.trans.SatLins(), nl.trans.PureLin()], dict(lr=0.02)),
    "gdm": (T.train_gdm, None, None, dict(lr=0.05, mc=0.8)),
    "gdm_adapt": (T.train_gdm, None, None, dict(lr=0.02, adapt=True)),
    "gda": (T.train_gda, None, None, dict(lr=0.05, epochs=40)),
    "gda_rr": (T.train_gda, None, None, dict(lr=0.05, rr=0.02)),
    "gdx": (T.train_gdx, None, None, dict(lr=0.05, epochs=40)),
    "gdx_rr": (T.train_gdx, None, None, dict(lr=0.05, rr=0.5)),
    "gdx_adapt": (T.train_gdx, None, None, dict(lr=0.01, adapt=True)),
    "rprop": (T.train_rprop, None, None, dict(epochs=40)),
    "rprop_adapt": (T.train_rprop, None, None, dict(lr=0.01, adapt=True)),
}


@pytest.mark.parametrize("key", sorted(GD_CASES))
def test_gradient_trainers_match_neurolab(gold, key):
    trainf, errorf, transf, kw = GD_CASES[key]
    net, err = ff_case(gold, trainf, errorf, transf, **dict(kw))
    assert isinstance(err, list) and all(type(e) is float for e in err)
    close(err, gold(key + ".errors"), 1e-9, 0)
    close(nl.tool.np_get(net), gold(key + ".final"), 0, 1e-9)


@pytest.mark.parametrize("name", ["bfgs", "cg", "ncg"])
def test_scipy_trainers_reach_neurolabs_error(gold, name):
    net, err = ff_case(gold, getattr(T, "train_" + name), epochs=60, goal=0.0)
    ref = gold(name + ".errors")[0]
    assert 1 <= len(err) <= 60
    assert err[0] < 1.1627664026692912  # the initial error is never recorded
    assert err[-1] <= 1.1 * ref[-1] + 1e-5
    assert np.all(np.diff(err) <= 1e-12)
    # the net keeps the parameters of the last recorded error
    sse = nl.error.SSE()(gold("data.t1"), net.sim(gold("data.x2")))
    assert abs(sse - err[-1]) < 1e-12
    if name == "bfgs":
        close(err, ref, 1e-6, 0)
    if name == "cg":
        close(err[:15], ref[:15], 1e-6, 0)


def test_newp_delta(gold):
    net = nl.net.newp([[-1, 1]] * 3, 2)
    close(nl.tool.np_get(net), gold("newp.init"), 0, 0)
    nl.tool.np_set(net, gold("newp.w0")[0].copy())
    err = net.train(gold("newp.x"), gold("newp.t"), epochs=15, show=0, lr=0.1, goal=-1)
    close(err, gold("newp.errors"), 1e-9, 0)
    close(nl.tool.np_get(net), gold("newp.final"), 0, 1e-9)


def test_newelm_context_and_gdx(gold):
    net = nl.net.newelm([[-1, 1]], [3, 1], [nl.trans.TanSig(), nl.trans.PureLin()])
    nl.tool.np_set(net, gold("elm.w0")[0].copy())
    x, t = gold("elm.x"), gold("elm.t")
    close(net.sim(x), gold("elm.sim"), 1e-12, 1e-14)
    err = net.train(x, t, epochs=20, show=0, lr=0.02, goal=-1)
    close(err, gold("elm.errors"), 1e-9, 0)
    close(nl.tool.np_get(net), gold("elm.final"), 0, 1e-9)
    close(net.sim(x), gold("elm.sim_after"), 1e-9, 1e-12)


def test_elm_reset_restarts_the_context(gold):
    net = nl.net.newelm([[-1, 1]], [3, 1], [nl.trans.TanSig(), nl.trans.PureLin()])
    nl.tool.np_set(net, gold("elm.w0")[0].copy())
    x = gold("elm.x")
    first = net.sim(x)
    assert not np.allclose(net.sim(x), first)
    net.reset()
    close(net.sim(x), first, 0, 0)


@pytest.mark.parametrize("name", ["wta", "cwta"])
def test_newc_competitive_trainers(gold, name):
    net = nl.net.newc([[-0.5, 1.5], [-0.5, 1.5]], 3)
    close(nl.tool.np_get(net), gold("newc.init"), 0, 0)
    net.trainf = getattr(T, "train_" + name)
    np.random.seed(11)
    err = net.train(gold("newc.x"), epochs=20, show=0, lr=0.1, goal=-1)
    close(err, gold("newc.%s.errors" % name), 1e-9, 0)
    close(nl.tool.np_get(net), gold("newc.%s.final" % name), 0, 1e-9)


def test_newc_default_trainer_is_cwta():
    net = nl.net.newc([[0, 1], [0, 1]], 2)
    assert net.trainf is nl.train.train_cwta
    assert isinstance(net.errorf, nl.error.SAE)


@pytest.mark.parametrize("adapt", [True, False])
def test_newlvq_train_lvq(gold, adapt):
    net = nl.net.newlvq([[-0.5, 1.5], [-0.5, 1.5]], 4, [0.5, 0.5])
    if adapt:
        close(nl.tool.np_get(net), gold("lvq.init"), 0, 0)
    w0 = nl.tool.np_get(net)
    w0[:8] = [0.1, 0.1, 0.2, 0.8, 0.9, 0.9, 0.6, 0.2]
    nl.tool.np_set(net, w0)
    key = "lvq.adapt" if adapt else "lvq.batch"
    err = net.train(gold("newc.x"), gold("lvq.t"), epochs=15, show=0, lr=0.05, goal=-1,
                    adapt=adapt)
    close(err, gold(key + ".errors"), 1e-9, 0)
    close(nl.tool.np_get(net), gold(key + ".final"), 0, 1e-9)


def test_newhop_and_newhem(gold):
    pats, probes = gold("hop.target"), gold("hop.probes")
    net = nl.net.newhop(pats)
    close(nl.tool.np_get(net), gold("hop.params"), 1e-15, 1e-15)
    close(net.sim(probes), gold("hop.sim"), 0, 0)
    net = nl.net.newhem(pats)
    close(nl.tool.np_get(net), gold("hem.params"), 1e-15, 1e-15)
    close(net.sim(probes), gold("hem.sim"), 1e-12, 1e-14)
