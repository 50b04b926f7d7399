"""Bad input to merezha.neurolab gives Python exceptions with clear messages (asserted by
text): wrong shapes (merezha.ShapeError that is also an AssertionError, as neurolab
asserts), None and non-numeric data (TypeError), unknown keywords (TypeError, as neurolab),
bad constructor arguments (ValueError)."""
import numpy as np
import pytest

import merezha
import merezha.neurolab as nl


@pytest.fixture
def net():
    np.random.seed(0)
    return nl.net.newff([[-1, 1]], [3, 1])


def test_wrong_input_shape(net):
    with pytest.raises(nl.core.InputError,
                       match=r"Net.sim: input shape: expected \(samples, 1\), got \(2,\)\."):
        net.sim([1, 2])
    with pytest.raises(AssertionError):
        net.sim([[1, 2]])
    with pytest.raises(merezha.ShapeError, match=r"expected \(samples, 1\), got \(1, 2\)"):
        net.sim([[1, 2]])
    with pytest.raises(ValueError, match=r"Net.step: input shape: expected \(1,\), got \(2,\)"):
        net.step([1, 2])


def test_wrong_target_shape(net):
    with pytest.raises(nl.core.InputError,
                       match=r"train_bfgs: target shape: expected \(2, 1\), got \(2, 2\)\."):
        net.train([[1], [2]], [[1, 2], [3, 4]])
    with pytest.raises(nl.core.InputError,
                       match=r"train_bfgs: target shape: expected \(2, 1\), got \(3, 1\)\."):
        net.train([[1], [2]], [[1], [2], [3]])


def test_none_and_wrong_dtype(net):
    with pytest.raises(TypeError, match="Net.sim: input: expected a numeric array, got None."):
        net.sim(None)
    with pytest.raises(TypeError, match=r"expected a numeric array \(bool, int or float\), "
                                        r"got dtype '<U1'"):
        net.sim([["a"]])
    with pytest.raises(TypeError, match="expected a numeric array"):
        net.sim([[1j]])
    with pytest.raises(TypeError, match="train_bfgs: needs a target: expected "
                                        r"net.train\(input, target, ...\), got None."):
        net.train([[1]])
    with pytest.raises(TypeError, match="newff: minmax: expected a numeric array, got None."):
        nl.net.newff(None, [1])


def test_unknown_keyword_is_a_type_error(net):
    with pytest.raises(TypeError, match="train_bfgs: unknown keyword 'foo': expected one of "
                                        "rr, gtol, epochs, goal, show, got 'foo'."):
        net.train([[1]], [[1]], foo=1)
    with pytest.raises(TypeError, match="train_rprop: unknown keyword 'rr'"):
        nl.train.train_rprop(net, [[1]], [[1]], rr=0.1)
    with pytest.raises(TypeError, match="unknown keyword 'lr'"):
        nl.train.trainer(nl.train.TrainBFGS, lr=0.1)


def test_training_errors(net):
    with pytest.raises(ValueError, match="train_bfgs: epochs must be positive: expected >= 1, "
                                         "got 0."):
        net.train([[1]], [[1]], epochs=0)
    with pytest.raises(TypeError, match="Net.train: this network has no training function"):
        nl.net.newhop([[1, -1]]).train([[1, 1]], [[1, 1]])
    with pytest.raises(TypeError, match="train_cwta: takes no target"):
        nl.net.newc([[0, 1]], 2).train([[0.5]], [[1]])
    net.trainf = nl.train.train_wta
    with pytest.raises(ValueError, match="train_wta: layer 0 must be competitive"):
        net.train([[0.5]])


def test_bad_parameters(net):
    net.layers[0].np["w"] = np.zeros((2, 2))
    with pytest.raises(ValueError, match=r"Net: layer 0 np\['w'\] shape: expected \(3, 1\), "
                                         r"got \(2, 2\)\."):
        net.sim([[1]])
    net.layers[0].np["w"] = None
    with pytest.raises(TypeError, match=r"layer 0 np\['w'\]: expected a numeric array, got "
                                        "None."):
        net.sim([[1]])
    del net.layers[0].np["w"]
    with pytest.raises(ValueError, match="lost its 'w' parameter"):
        net.sim([[1]])


def test_bad_transfer_and_error_functions(net):
    with pytest.raises(TypeError, match="expected an instance such as LogSig\\(\\), got the "
                                        "class LogSig itself."):
        nl.net.newff([[-1, 1]], [3, 1], [nl.trans.LogSig] * 2)
    with pytest.raises(ValueError, match="newff: one transfer per layer: expected 2 transfer "
                                         "functions, got 1."):
        nl.net.newff([[-1, 1]], [3, 1], [nl.trans.TanSig()])
    net.errorf = "SSE"
    with pytest.raises(TypeError, match="Net: errorf: expected a merezha.neurolab.error "
                                        "function"):
        net.sim([[1]])
    net.errorf = nl.error.SSE()
    net.layers[0].transf = np.tanh
    with pytest.raises(TypeError, match="transfer function: expected a merezha.neurolab.trans "
                                        "function"):
        net.sim([[1]])


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match=r"newff: minmax shape: expected \(inputs, 2\)"):
        nl.net.newff([[-1, 1, 2]], [3, 1])
    with pytest.raises(ValueError, match=r"newff: minmax row 0 is the range of input 0: "
                                         r"expected min < max, got \(1.0, 1.0\)."):
        nl.net.newff([[1, 1]], [3, 1])
    with pytest.raises(ValueError, match="newff: every layer needs neurons: expected sizes >= "
                                         "1, got 0."):
        nl.net.newff([[-1, 1]], [0, 1])
    with pytest.raises(AssertionError, match=r"newlvq: pc holds class fractions: expected "
                                             r"sum\(pc\) == 1 exactly, got 0.9999999999999999"):
        nl.net.newlvq([[-1, 1]], 4, [0.7, 0.2, 0.1])
    with pytest.raises(AssertionError, match="newlvq: cn0: expected more hidden neurons than "
                                             "classes"):
        nl.net.newlvq([[-1, 1]], 2, [0.5, 0.5])
    with pytest.raises(ValueError, match="newhop: patterns must be bipolar: expected -1 or 1, "
                                         r"got 0.5 at \(0, 1\)."):
        nl.net.newhop([[1, 0.5]])
    with pytest.raises(AssertionError, match=r"newhop: target shape: expected \(patterns, n\)"):
        nl.net.newhop([1, -1])
    with pytest.raises(ValueError, match="init_rand: the layer has no property \"q\""):
        nl.init.init_rand(nl.layer.Perceptron(1, 1, nl.trans.TanSig()), init_prop="q")
    with pytest.raises(ValueError, match="Norm: x must have 2 dimensions"):
        nl.tool.Norm([1, 2])
    with pytest.raises(ValueError, match=r"np_set: parameter count: expected 3, got 2."):
        nl.tool.np_set(nl.net.newp([[0, 1], [0, 1]], 1), [1, 2])
