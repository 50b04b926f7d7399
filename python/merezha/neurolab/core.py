"""Core classes of merezha.neurolab (neurolab.core): Net, Layer, Trainer and the errors.

A Net keeps its parameters in NumPy arrays (``net.layers[i].np['w']``, writable, replaceable
as in neurolab) and its wiring, state and arithmetic in a C++ mz::classic::nl::Net: the
arrays are copied into the C++ net before each sim/step/train and back after training, so
every heavy loop runs in C++ with the GIL released.
"""
import numpy as np

import merezha
from merezha import _merezha

__all__ = ["NeuroLabError", "TrainStop", "InputError", "Net", "Layer", "Trainer"]


class NeuroLabError(Exception):
    """Base of neurolab's own errors."""


class TrainStop(NeuroLabError):
    """Raised by a training callback to stop training (neurolab's control flow)."""


class InputError(merezha.ShapeError, AssertionError):
    """An input or target of the wrong shape. neurolab asserts these, so this is both a
    merezha.ShapeError (a ValueError) and an AssertionError."""


def _numeric(x, who, what):
    """x as a float64 ndarray; TypeError for None and non-numeric data."""
    if x is None:
        raise TypeError("%s: %s: expected a numeric array, got None." % (who, what))
    a = x if isinstance(x, np.ndarray) else None
    if a is None:
        try:
            a = np.asarray(x)
        except (TypeError, ValueError) as e:
            raise TypeError("%s: %s: expected a numeric array, got %s (%s)."
                            % (who, what, type(x).__name__, e)) from None
    if a.dtype.kind not in "biufO":
        raise TypeError("%s: %s: expected a numeric array (bool, int or float), got dtype "
                        "'%s'." % (who, what, a.dtype))
    try:
        return np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise TypeError("%s: %s: expected a numeric array, got %s (%s)."
                        % (who, what, type(x).__name__, e)) from None


def _matrix(x, who, what, cols, rows=None):
    """x as a C-contiguous float64 (rows, cols) array, else InputError / TypeError."""
    a = _numeric(x, who, what)
    if a.ndim != 2 or a.shape[1] != cols or (rows is not None and a.shape[0] != rows):
        want = "(%s, %d)" % ("samples" if rows is None else rows, cols)
        raise InputError("%s: %s shape: expected %s, got %s." % (who, what, want, a.shape))
    return np.ascontiguousarray(a)


def _vector(x, who, what, size):
    a = _numeric(x, who, what)
    if a.ndim != 1 or a.shape[0] != size:
        raise InputError("%s: %s shape: expected (%d,), got %s." % (who, what, size, a.shape))
    return np.ascontiguousarray(a)


def _check_transf(f, who):
    from merezha.neurolab import trans
    if isinstance(f, trans._Transfer):
        return f
    if isinstance(f, type):
        raise TypeError("%s: transfer function: expected an instance such as %s(), got the "
                        "class %s itself." % (who, f.__name__, f.__name__))
    raise TypeError("%s: transfer function: expected a merezha.neurolab.trans function "
                    "(TanSig(), PureLin(), ...), got %s." % (who, type(f).__name__))


class Layer:
    """Abstract layer (neurolab.core.Layer): ci inputs, cn neurons, co outputs, the parameter
    dict ``np``, the last ``inp``/``out``, ``inp_minmax``/``out_minmax``, ``initf``."""

    _kind = None  # the C++ layer kind (merezha.neurolab.layer sets it)

    def __init__(self, ci, cn, co, property):
        self.ci = int(ci)
        self.cn = int(cn)
        self.co = int(co)
        self.np = {}
        for p, shape in property.items():
            self.np[p] = np.zeros(shape)
        self._inp = np.zeros(self.ci)
        self._out = np.zeros(self.co)
        self.out_minmax = np.empty([self.co, 2])
        self.inp_minmax = np.empty([self.ci, 2])
        self.initf = None
        self._net = None
        self._index = -1

    def _state(self, which, default):
        if self._net is None:
            return default
        return self._net._c.state(self._index, which)

    @property
    def inp(self):
        """The last input this layer received (a copy)."""
        return self._state("inp", self._inp)

    @property
    def out(self):
        """The last output of this layer (a copy)."""
        return self._state("out", self._out)

    def init(self):
        """Runs initf (None, one function or a list of them) on this layer."""
        if type(self.initf) is list:
            for initf in self.initf:
                initf(self)
        elif self.initf is not None:
            self.initf(self)

    def _spec(self):
        transf = getattr(self, "transf", None)
        from merezha.neurolab import trans
        f = _check_transf(transf, type(self).__name__) if transf is not None else trans.PureLin()
        return (self._kind, self.ci, self.cn, f._c, int(getattr(self, "max_iter", 10)),
                float(getattr(self, "delta", 0.0)))

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_net"] = None
        state["_index"] = -1
        return state


class Net:
    """Neural network (neurolab.core.Net): layers wired by ``connect``, a training function
    ``trainf`` and an error function ``errorf``.

    connect[i] lists the sources of layer i (-1 is the net input), the last entry those of
    the net output; several sources are concatenated in order.
    """

    def __init__(self, inp_minmax, co, layers, connect, trainf, errorf):
        mm = _numeric(inp_minmax, "Net", "inp_minmax")
        if mm.ndim != 2 or mm.shape[1] != 2:
            raise InputError("Net: inp_minmax shape: expected (inputs, 2), got %s."
                             % (mm.shape,))
        layers = list(layers)
        for layer in layers:
            if not isinstance(layer, Layer):
                raise TypeError("Net: layers: expected merezha.neurolab.layer objects, got %s."
                                % type(layer).__name__)
        c = _merezha._NlNet.make(np.ascontiguousarray(mm), int(co),
                                 [layer._spec() for layer in layers],
                                 [list(map(int, con)) for con in connect])
        self._attach(c, layers, trainf, errorf, copy_params=False)
        self.init()

    @classmethod
    def _wrap(cls, c, trainf, errorf, layers):
        """A Net over C++ net c whose Python layers (already built) take c's parameters."""
        net = cls.__new__(cls)
        net._attach(c, layers, trainf, errorf, copy_params=True)
        return net

    def _attach(self, c, layers, trainf, errorf, copy_params):
        self._c = c
        self.layers = layers
        self.trainf = trainf
        self.errorf = errorf
        self.ci = c.ci
        self.co = c.co
        self.inp_minmax = c.inp_minmax
        self.out_minmax = c.out_minmax
        self.connect = [list(con) for con in c.connect]
        for i, layer in enumerate(layers):
            layer._net = self
            layer._index = i
            layer.inp_minmax, layer.out_minmax = c.layer_minmax(i)
            for name in c.param_names(i):
                view = c.param(i, name)
                cur = layer.np.get(name)
                if copy_params or cur is None or cur.shape != view.shape:
                    layer.np[name] = np.array(view)

    # ---- the C++ side ----
    def _push(self):
        """Copies parameters, transfers and errorf into the C++ net."""
        c = self._c
        for i, layer in enumerate(self.layers):
            for name in c.param_names(i):
                if name not in layer.np:
                    raise ValueError("Net: layer %d has lost its '%s' parameter: expected "
                                     "np['%s'], got keys %s." % (i, name, name,
                                                                 sorted(layer.np)))
                view = c.param(i, name)
                a = layer.np[name]
                a = _numeric(a, "Net", "layer %d np['%s']" % (i, name))
                if a.shape != view.shape:
                    if a.size != view.size:
                        raise InputError("Net: layer %d np['%s'] shape: expected %s, got %s."
                                         % (i, name, view.shape, a.shape))
                    a = a.reshape(view.shape)
                view[...] = a
            transf = getattr(layer, "transf", None)
            if transf is not None:
                c.set_layer_transf(i, _check_transf(transf, "Net: layer %d" % i)._c)
            if hasattr(layer, "max_iter"):
                c.set_layer_recurrent(i, int(layer.max_iter), float(layer.delta))
        errorf = self.errorf
        if errorf is not None and not hasattr(errorf, "_c"):
            raise TypeError("Net: errorf: expected a merezha.neurolab.error function (SSE(), "
                            "MSE(), ...), got %s." % type(errorf).__name__)
        c.set_errorf(None if errorf is None else errorf._c)

    def _pull(self):
        """Copies the C++ net's parameters back into the layers' arrays (in place)."""
        c = self._c
        for i, layer in enumerate(self.layers):
            for name in c.param_names(i):
                view = c.param(i, name)
                a = layer.np.get(name)
                if (isinstance(a, np.ndarray) and a.dtype == np.float64 and
                        a.shape == view.shape and a.flags.writeable):
                    a[...] = view
                else:
                    layer.np[name] = np.array(view)

    # ---- neurolab's API ----
    @property
    def inp(self):
        """The last input of step (a copy)."""
        return self._c.state(-1, "inp")

    @property
    def out(self):
        """The last output of step (a copy)."""
        return self._c.state(-1, "out")

    def step(self, inp):
        """One simulation step on input vector inp (ci values); returns the output (co)."""
        x = _vector(inp, "Net.step", "input", self.ci)
        self._push()
        return self._c.step(x)

    def sim(self, input):
        """Simulates the net on input (samples, ci); returns (samples, co). Recurrent state
        (Elman context) carries over from the previous call."""
        x = _matrix(input, "Net.sim", "input", self.ci)
        self._push()
        return self._c.sim(x)

    def init(self):
        """Re-runs every layer's initf."""
        for layer in self.layers:
            layer.init()

    def train(self, *args, **kwargs):
        """Trains the net with self.trainf (see merezha.neurolab.train); returns the errors."""
        if self.trainf is None:
            raise TypeError("Net.train: this network has no training function: expected "
                            "trainf such as nl.train.train_gd, got None.")
        return self.trainf(self, *args, **kwargs)

    def reset(self):
        """Clears the stored input and output of the net and its layers (Elman context)."""
        self._c.reset()

    def save(self, fname):
        """Saves the net to file fname (pickle)."""
        from merezha.neurolab import tool
        tool.save(self, fname)

    def copy(self):
        """A deep copy."""
        import copy
        return copy.deepcopy(self)

    def __getstate__(self):
        self._push()
        c = self._c
        states = []
        for i in range(len(self.layers)):
            states.append({w: c.state(i, w) for w in ("inp", "out", "s", "last_dist")})
        return {"inp_minmax": self.inp_minmax, "co": self.co, "connect": self.connect,
                "layers": self.layers, "trainf": self.trainf, "errorf": self.errorf,
                "specs": [layer._spec()[:3] + layer._spec()[4:] for layer in self.layers],
                "transfs": [getattr(layer, "transf", None) for layer in self.layers],
                "net_state": (c.state(-1, "inp"), c.state(-1, "out")), "states": states}

    def __setstate__(self, st):
        from merezha.neurolab import trans
        specs = []
        for (kind, ci, cn, max_iter, delta), f in zip(st["specs"], st["transfs"]):
            specs.append((kind, ci, cn, (f if f is not None else trans.PureLin())._c,
                          max_iter, delta))
        c = _merezha._NlNet.make(np.ascontiguousarray(st["inp_minmax"]), st["co"], specs,
                                 st["connect"])
        self._attach(c, st["layers"], st["trainf"], st["errorf"], copy_params=False)
        self._push()
        c.set_state(-1, "inp", st["net_state"][0])
        c.set_state(-1, "out", st["net_state"][1])
        for i, s in enumerate(st["states"]):
            for which, v in s.items():
                if v.size == c.state(i, which).size:
                    c.set_state(i, which, v)


class Trainer:
    """Control of network training (neurolab.core.Trainer): ``Trainer(Train, epochs=500,
    goal=0.01, show=100, **kwargs)``; calling it trains a net and returns the error list."""

    def __init__(self, Train, epochs=500, goal=0.01, show=100, **kwargs):
        self._train_class = Train
        Train._check_keywords(kwargs)
        self.defaults = {"goal": goal, "show": show, "epochs": epochs}
        train = dict(Train.defaults)
        train.update(kwargs)
        self.defaults["train"] = train
        self.params = dict(self.defaults)
        self.error = []

    def __str__(self):
        return "Trainer(" + self._train_class.__name__ + ")"

    __repr__ = __str__

    def __call__(self, net, input, target=None, **kwargs):
        """Trains net on input (samples, ci) and target (samples, co); wta and cwta take no
        target. Keywords: epochs, goal, show and the algorithm's own (lr, adapt, ...)."""
        Train = self._train_class
        self.params = dict(self.defaults)
        self.params["train"] = dict(self.defaults["train"])
        extra = {}
        for key, value in kwargs.items():
            if key in self.params:
                self.params[key] = value
            else:
                extra[key] = value
        Train._check_keywords(extra)
        self.params["train"].update(extra)
        who = Train._name
        if not isinstance(net, Net):
            raise TypeError("%s: net: expected a merezha.neurolab network, got %s."
                            % (who, type(net).__name__))
        x = _matrix(input, who, "input", net.ci)
        y = None
        if Train._unsupervised:
            if target is not None:
                raise TypeError("%s: takes no target: expected net.train(input, ...), got a "
                                "target." % who)
        else:
            if target is None:
                raise TypeError("%s: needs a target: expected net.train(input, target, ...), "
                                "got None." % who)
            y = _matrix(target, who, "target", net.co, rows=x.shape[0])
        epochs, goal, show = self.params["epochs"], self.params["goal"], self.params["show"]
        options = Train._options(self.params["train"])
        net._push()
        try:
            errors = net._c.train(Train._name, x, y, epochs=int(epochs), goal=float(goal),
                                  **options)
        finally:
            net._pull()
        errors = [float(e) for e in errors]
        self.error = errors
        if show:
            for k, err in enumerate(errors, 1):
                if k % show == 0:
                    print("Epoch: {0}; Error: {1};".format(k, err))
            if errors and errors[-1] < goal:
                print("The goal of learning is reached")
            elif len(errors) >= epochs:
                print("The maximum number of train epochs is reached")
        return errors
