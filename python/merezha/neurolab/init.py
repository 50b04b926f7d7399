"""Initialisation functions of merezha.neurolab (neurolab.init): init_rand, initwb_reg,
initwb_lin, init_zeros, midpoint, initnw (Nguyen-Widrow, neurolab master's order) and
InitRand. They draw from NumPy's global generator exactly as neurolab does, so
np.random.seed(s) gives neurolab's weights."""
import numpy as np

__all__ = ["init_rand", "initwb_reg", "initwb_lin", "init_zeros", "midpoint", "initnw",
           "InitRand"]


def init_rand(layer, min=-0.5, max=0.5, init_prop="w"):
    """layer.np[init_prop] = U[min, max) of its shape; ValueError for a missing property."""
    if init_prop not in layer.np:
        raise ValueError("init_rand: the layer has no property \"%s\": expected one of %s, "
                         "got \"%s\"." % (init_prop, ", ".join(layer.np), init_prop))
    layer.np[init_prop] = np.random.uniform(min, max, layer.np[init_prop].shape)


def _active(layer, inf):
    active = list(layer.transf.inp_active[:])
    if np.isinf(active[0]):
        active[0] = -inf
    if np.isinf(active[1]):
        active[1] = inf
    return active


def initwb_reg(layer):
    """w then b ~ U(lo/(2cn), hi/(2cn)), (lo, hi) = transf.inp_active with inf -> +-100."""
    active = _active(layer, 100.0)
    lo = active[0] / (2 * layer.cn)
    hi = active[1] / (2 * layer.cn)
    init_rand(layer, lo, hi, "w")
    if "b" in layer.np:
        init_rand(layer, lo, hi, "b")


def initwb_lin(layer):
    """Deterministic: every property becomes linspace(lo, hi, size) (initwb_reg's range)."""
    active = _active(layer, 100.0)
    lo = active[0] / (2 * layer.cn)
    hi = active[1] / (2 * layer.cn)
    for k in ("w", "b"):
        if k in layer.np:
            shape = layer.np[k].shape
            layer.np[k] = np.linspace(lo, hi, int(np.prod(shape))).reshape(shape)


class InitRand:
    """init_rand(layer, minmax[0], minmax[1], p) for each property p of init_prop, in order
    (InitRand([-0.1, 0.1], 'wb'))."""

    def __init__(self, minmax, init_prop):
        self.min = minmax[0]
        self.max = minmax[1]
        self.properties = init_prop

    def __call__(self, layer):
        for prop in self.properties:
            init_rand(layer, self.min, self.max, prop)


def init_zeros(layer):
    """Every property becomes 0."""
    for k in layer.np:
        layer.np[k].fill(0.0)


def midpoint(layer):
    """Every row of w becomes the midpoint of the input ranges."""
    mid = np.asarray(layer.inp_minmax, dtype=np.float64).mean(axis=1)
    for i in range(len(layer.np["w"])):
        layer.np["w"][i] = mid.copy()


def initnw(layer):
    """Nguyen-Widrow initialisation (neurolab master: b = w.y + b with the unscaled w, then
    w = w * x)."""
    ci = layer.ci
    cn = layer.cn
    w_fix = 0.7 * cn ** (1. / ci)
    w_rand = np.random.rand(cn, ci) * 2 - 1
    if ci == 1:
        w_rand = w_rand / np.abs(w_rand)
    else:
        w_rand = np.sqrt(1. / np.square(w_rand).sum(axis=1).reshape(cn, 1)) * w_rand
    w = w_fix * w_rand
    b = np.array([0]) if cn == 1 else w_fix * np.linspace(-1, 1, cn) * np.sign(w[:, 0])
    amin, amax = layer.transf.inp_active
    amin = -1 if amin == -np.inf else amin
    amax = 1 if amax == np.inf else amax
    x = 0.5 * (amax - amin)
    y = 0.5 * (amax + amin)
    w = x * w
    b = x * b + y
    minmax = np.array(layer.inp_minmax, dtype=np.float64)
    minmax[np.isneginf(minmax)] = -1
    minmax[np.isinf(minmax)] = 1
    x = 2. / (minmax[:, 1] - minmax[:, 0])
    y = 1. - minmax[:, 1] * x
    b = np.dot(w, y) + b
    w = w * x
    layer.np["w"][:] = w
    layer.np["b"][:] = b
