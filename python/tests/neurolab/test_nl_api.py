"""merezha.neurolab's neurolab API: modules and names, defaults, return types and shapes,
parameter arrays (writable, replaceable), step/sim/reset/init/copy/save/load, printing of
train(show=...), Trainer and tool functions."""
import pickle

import numpy as np
import pytest

import merezha.neurolab as nl


def sine_net(seed=0):
    np.random.seed(seed)
    return nl.net.newff([[-1, 1]], [4, 1], [nl.trans.TanSig(), nl.trans.PureLin()])


X = np.linspace(-1, 1, 15).reshape(-1, 1)
Y = 0.5 * np.sin(3 * X)


def test_modules_and_names():
    for name in ["newp", "newff", "newc", "newlvq", "newelm", "newhop", "newhem", "newgrnn",
                 "newpnn"]:
        assert callable(getattr(nl.net, name))
    for name in ["train_delta", "train_gd", "train_gdm", "train_gda", "train_gdx",
                 "train_rprop", "train_bfgs", "train_cg", "train_ncg", "train_wta",
                 "train_cwta", "train_lvq"]:
        assert isinstance(getattr(nl.train, name), nl.core.Trainer)
    for name in ["SSE", "SAE", "MSE", "MAE", "CEE"]:
        assert callable(getattr(nl.error, name)())
    for name in ["TanSig", "PureLin", "LogSig", "HardLim", "HardLims", "SatLin", "SatLins",
                 "SatLinPrm", "SoftMax", "Competitive", "RadBas"]:
        assert callable(getattr(nl.trans, name)())
    for name in ["init_rand", "initwb_reg", "initwb_lin", "init_zeros", "midpoint", "initnw",
                 "InitRand"]:
        assert callable(getattr(nl.init, name))
    assert nl.load is nl.tool.load


def test_constructor_defaults():
    net = nl.net.newff([[-1, 1], [0, 2]], [3, 2])
    assert net.ci == 2 and net.co == 2 and len(net.layers) == 2
    assert net.trainf is nl.train.train_bfgs and isinstance(net.errorf, nl.error.SSE)
    assert all(isinstance(layer.transf, nl.trans.TanSig) for layer in net.layers)
    assert net.layers[0].initf is nl.init.initnw
    assert net.connect == [[-1], [0], [1]]
    np.testing.assert_array_equal(net.inp_minmax, [[-1, 1], [0, 2]])
    np.testing.assert_array_equal(net.out_minmax, [[-1, 1], [-1, 1]])
    p = nl.net.newp([[0, 1], [0, 1]], 1)
    assert p.trainf is nl.train.train_delta and isinstance(p.layers[0].transf, nl.trans.HardLim)
    np.testing.assert_array_equal(nl.tool.np_get(p), [0, 0, 0])
    e = nl.net.newelm([[-1, 1]], [3, 1])
    assert e.trainf is nl.train.train_gdx and isinstance(e.errorf, nl.error.MSE)
    assert e.connect == [[-1, 0], [0], [1]] and e.layers[0].ci == 4
    lvq = nl.net.newlvq([[0, 1], [0, 1]], 4, [0.5, 0.5])
    np.testing.assert_array_equal(lvq.layers[1].np["w"], [[1, 1, 0, 0], [0, 0, 1, 1]])
    assert nl.net.newhop([[1, -1, 1]]).trainf is None


def test_shapes_and_types():
    net = sine_net()
    assert net.layers[0].np["w"].shape == (4, 1) and net.layers[0].np["b"].shape == (4,)
    out = net.sim(X)
    assert isinstance(out, np.ndarray) and out.shape == (15, 1) and out.dtype == np.float64
    s = net.step([0.3])
    assert s.shape == (1,)
    np.testing.assert_array_equal(net.inp, [0.3])
    np.testing.assert_array_equal(net.out, s)
    err = net.train(X, Y, epochs=5, show=0)
    assert isinstance(err, list) and len(err) == 5 and all(type(e) is float for e in err)
    assert net.sim(X.tolist()).shape == (15, 1)  # lists are accepted


def test_parameter_arrays_are_writable_and_replaceable():
    net = sine_net()
    net.layers[0].np["w"][:] = 0.0
    net.layers[0].np["b"][:] = 0.0
    np.testing.assert_array_equal(net.sim(X), np.full((15, 1), net.layers[1].np["b"][0]))
    net.layers[1].np["b"] = np.array([0.25])
    np.testing.assert_allclose(net.sim([[0.5]]), [[0.25]])
    w = net.layers[0].np["w"]
    net.init()
    assert net.layers[0].np["w"] is w  # initnw writes in place, like neurolab


def test_training_updates_the_same_arrays():
    net = sine_net()
    w = net.layers[0].np["w"]
    before = w.copy()
    net.trainf = nl.train.train_gd
    net.train(X, Y, epochs=10, show=0, lr=0.01)
    assert not np.array_equal(w, before)
    np.testing.assert_array_equal(w, net.layers[0].np["w"])


def test_epoch_accounting_and_goal():
    net = sine_net()
    net.trainf = nl.train.train_gd
    err = net.train(X, Y, epochs=7, show=0, goal=-1, lr=0.01)
    assert len(err) == 7
    # the final parameters have error err[-1] (N errors, N - 1 updates)
    assert abs(nl.error.SSE()(Y, net.sim(X)) - err[-1]) < 1e-12
    err = net.train(X, Y, epochs=100, show=0, goal=1e9)
    assert len(err) == 1


def test_show_prints_like_neurolab(capsys):
    net = sine_net()
    net.trainf = nl.train.train_gd
    err = net.train(X, Y, epochs=6, show=2, goal=-1, lr=0.01)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["Epoch: 2; Error: %s;" % err[1], "Epoch: 4; Error: %s;" % err[3],
                     "Epoch: 6; Error: %s;" % err[5],
                     "The maximum number of train epochs is reached"]
    net.train(X, Y, epochs=6, show=2, goal=1e9)
    assert capsys.readouterr().out == "The goal of learning is reached\n"
    net.train(X, Y, epochs=6, show=0, goal=-1)
    assert capsys.readouterr().out == ""


def test_trainer_objects():
    assert str(nl.train.train_gd) == "Trainer(TrainGD)"
    fast = nl.train.trainer(nl.train.TrainGD, lr=0.05, epochs=3)
    net = sine_net()
    net.trainf = fast
    assert len(net.train(X, Y, show=0, goal=-1)) == 3
    a = sine_net(1)
    a.trainf = nl.train.train_gd
    ea = a.train(X, Y, epochs=3, show=0, goal=-1, lr=0.05)
    b = sine_net(1)
    b.trainf = fast
    assert b.train(X, Y, show=0, goal=-1) == ea


def test_reset_clears_the_elman_context():
    np.random.seed(3)
    net = nl.net.newelm([[-1, 1]], [3, 1])
    first = net.sim(X)
    assert not np.allclose(net.sim(X), first)
    net.reset()
    np.testing.assert_array_equal(net.sim(X), first)
    np.testing.assert_array_equal(net.layers[0].out, net.layers[0].out * 1)


def test_copy_is_deep():
    net = sine_net()
    other = net.copy()
    np.testing.assert_array_equal(other.sim(X), net.sim(X))
    other.layers[0].np["w"] += 1
    assert not np.allclose(other.sim(X), net.sim(X))
    assert other.trainf is not None and isinstance(other.errorf, nl.error.SSE)


@pytest.mark.parametrize("make", [
    lambda: sine_net(),
    lambda: nl.net.newc([[0, 1], [0, 1]], 3),
    lambda: nl.net.newlvq([[0, 1], [0, 1]], 4, [0.5, 0.5]),
    lambda: nl.net.newelm([[-1, 1]], [3, 1]),
    lambda: nl.net.newhop([[1, -1, 1, -1], [1, 1, -1, -1]]),
    lambda: nl.net.newhem([[1, -1, 1, -1], [1, 1, -1, -1]]),
    lambda: nl.net.newgrnn([[0, 1]], [[0.1], [0.5], [0.9]], [[1.0], [2.0], [3.0]], 2.0),
    lambda: nl.net.newpnn([[0, 1]], [[0.1], [0.5], [0.9]], [[1, 0], [0, 1], [0, 1]], 2.0),
])
def test_save_and_load(tmp_path, make):
    net = make()
    x = np.linspace(-1, 1, 2 * net.ci).reshape(2, net.ci)
    if net.ci == 4:
        x = np.array([[1, -1, 1, 1], [1, 1, -1, -1.0]])
    net.sim(x)  # some state (Elman context) to carry over
    path = str(tmp_path / "net.pkl")
    net.save(path)
    back = nl.load(path)
    np.testing.assert_array_equal(nl.tool.np_get(back), nl.tool.np_get(net))
    np.testing.assert_array_equal(back.sim(x), net.sim(x))
    assert type(back.trainf) is type(net.trainf) and type(back.errorf) is type(net.errorf)
    back2 = pickle.loads(pickle.dumps(net))
    assert back2.connect == net.connect


def test_user_built_net_with_core_net():
    l0 = nl.layer.Perceptron(2, 3, nl.trans.TanSig())
    l1 = nl.layer.Perceptron(3, 1, nl.trans.PureLin())
    np.random.seed(0)
    net = nl.core.Net([[-1, 1], [-1, 1]], 1, [l0, l1], [[-1], [0], [1]], nl.train.train_gd,
                      nl.error.SSE())
    assert net.layers[0] is l0
    np.testing.assert_array_equal(l0.inp_minmax, [[-1, 1], [-1, 1]])
    assert np.all(np.abs(l0.np["w"]) <= 1 / 3)  # initwb_reg with TanSig: +-1/cn
    x = np.random.uniform(-1, 1, (6, 2))
    manual = np.tanh(x @ l0.np["w"].T + l0.np["b"]) @ l1.np["w"].T + l1.np["b"]
    np.testing.assert_allclose(net.sim(x), manual, rtol=1e-12)
    with pytest.raises(ValueError, match="connect"):
        nl.core.Net([[-1, 1], [-1, 1]], 1, [l0, l1], [[-1], [1]], None, None)


def test_changing_transf_and_errorf_takes_effect():
    net = sine_net()
    net.layers[1].transf = nl.trans.TanSig()
    assert np.all(np.abs(net.sim(X * 100)) <= 1)
    net.errorf = nl.error.MSE()
    net.trainf = nl.train.train_gd
    err = net.train(X, Y, epochs=1, show=0)
    assert abs(err[0] - nl.error.MSE()(Y, net.sim(X))) < 1e-12


def test_recurrent_outs_and_hopfield_recall():
    pats = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
    net = nl.net.newhop(pats)
    np.testing.assert_array_equal(net.sim(pats), pats)
    assert len(net.layers[0].outs) == 1  # a stored pattern: 2 iterations, one kept


def test_grnn_and_pnn():
    x = np.array([[0.1], [0.5], [0.9]])
    net = nl.net.newgrnn([[0, 1]], x, [[1.0], [2.0], [3.0]], 10.0)
    np.testing.assert_allclose(net.sim([[0.5]]), [[2.0]], atol=1e-3)
    pnn = nl.net.newpnn([[0, 1]], x, [[1, 0], [0, 1], [0, 1]], 10.0)
    assert pnn.sim([[0.1]]).shape == (1, 2)


def test_tool_functions():
    assert nl.tool.minmax([[1, 5], [3, 2]]) == ((1, 3), (2, 5))
    norm = nl.tool.Norm([[0, 10], [2, 20]])
    np.testing.assert_allclose(norm([[1, 15]]), [[0.5, 0.5]])
    np.testing.assert_allclose(norm.renorm([[0.5, 0.5]]), [[1, 15]])
    net = sine_net()
    assert nl.tool.np_size(net) == 4 + 4 + 4 + 1
    flat = nl.tool.np_get(net)
    nl.tool.np_set(net, flat * 2)
    np.testing.assert_allclose(nl.tool.np_get(net), flat * 2)
    # ff_grad is the gradient of SSE (neurolab's -deriv convention summed over samples)
    grad, g_flat, out = nl.tool.ff_grad(net, X, Y)
    assert out.shape == (15, 1) and g_flat.shape == flat.shape
    assert grad[0]["w"].shape == (4, 1)
    p = nl.tool.np_get(net)
    num = np.zeros_like(p)
    for i in range(p.size):
        for sgn in (1, -1):
            q = p.copy()
            q[i] += sgn * 1e-6
            nl.tool.np_set(net, q)
            num[i] += sgn * nl.error.SSE()(Y, net.sim(X)) / 2e-6
    nl.tool.np_set(net, p)
    np.testing.assert_allclose(g_flat, num, rtol=1e-5, atol=1e-7)
    w, b = nl.tool.reg_norms(net)
    assert nl.tool.reg_error(1.0, net, 0.1) == pytest.approx(1 + 0.1 * w + 0.1 * b)


def test_initwb_lin_and_init_zeros():
    lay = nl.layer.Perceptron(1, 2, nl.trans.TanSig())
    nl.init.initwb_lin(lay)
    np.testing.assert_allclose(lay.np["w"].ravel(), [-0.5, 0.5])
    nl.init.init_zeros(lay)
    assert not lay.np["w"].any() and not lay.np["b"].any()
