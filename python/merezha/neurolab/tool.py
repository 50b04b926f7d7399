"""Tools of merezha.neurolab (neurolab.tool): minmax, Norm, save/load, the flat parameter
vector (np_size, np_get, np_set), back-propagation (ff_grad, in C++) and regularisation
(reg_norms, reg_error, reg_grad)."""
import pickle

import numpy as np

from merezha.neurolab.core import InputError, _matrix, _numeric

__all__ = ["minmax", "Norm", "load", "save", "np_size", "np_get", "np_set", "ff_grad",
           "reg_norms", "reg_error", "reg_grad"]


def minmax(input):
    """Tuple of (min, max) per column of a 2-D array."""
    a = _numeric(input, "minmax", "input")
    if a.ndim != 2:
        raise InputError("minmax: input shape: expected (samples, columns), got %s."
                         % (a.shape,))
    return tuple(zip(a.min(axis=0), a.max(axis=0)))


class Norm:
    """Column-wise normalisation to [0, 1]: Norm(x)(y) = (y - min) / (max - min); renorm
    inverts it."""

    def __init__(self, x):
        x = _numeric(x, "Norm", "x")
        if x.ndim != 2:
            raise ValueError("Norm: x must have 2 dimensions: expected (samples, columns), "
                             "got %s." % (x.shape,))
        lo = np.min(x, axis=0)
        self.min = lo.reshape(1, lo.size)
        self.dist = (np.max(x, axis=0) - lo).reshape(1, lo.size)

    def __call__(self, x):
        return (_numeric(x, "Norm", "x") - self.min) / self.dist

    def renorm(self, x):
        return _numeric(x, "Norm.renorm", "x") * self.dist + self.min


def load(fname):
    """The net saved in file fname."""
    with open(fname, "rb") as f:
        return pickle.load(f)


def save(net, fname):
    """Saves net to file fname (pickle)."""
    with open(fname, "wb") as f:
        pickle.dump(net, f)


def np_size(net):
    """Number of parameters of all layers."""
    return sum(np.size(p) for layer in net.layers for p in layer.np.values())


def np_get(net):
    """All parameters in one flat array (layers in order; w then b, or w then conscience)."""
    size = np_size(net)
    result = np.zeros(size)
    start = 0
    for layer in net.layers:
        for p in layer.np.values():
            p = np.asarray(p, dtype=np.float64)
            result[start:start + p.size] = p.reshape(-1)
            start += p.size
    return result


def np_set(net, np_data):
    """Sets all parameters from one flat array (np_get's order)."""
    data = _numeric(np_data, "np_set", "np_data").reshape(-1)
    if data.size != np_size(net):
        raise InputError("np_set: parameter count: expected %d, got %d."
                         % (np_size(net), data.size))
    start = 0
    for layer in net.layers:
        for k in layer.np:
            size = np.size(layer.np[k])
            layer.np[k][...] = data[start:start + size].reshape(np.shape(layer.np[k]))
            start += size


def ff_grad(net, input, target):
    """Back-propagation over the samples (C++): (per-layer list of {'w', 'b'} gradients,
    the flat gradient, the outputs)."""
    x = _matrix(input, "ff_grad", "input", net.ci)
    y = _matrix(target, "ff_grad", "target", net.co, rows=x.shape[0])
    net._push()
    flat, output = net._c.ff_grad(x, y)
    grad = []
    start = 0
    for layer in net.layers:
        g = {}
        for k, p in layer.np.items():
            size = np.size(p)
            g[k] = flat[start:start + size].reshape(np.shape(p))
            start += size
        grad.append(g)
    return grad, flat, output


def reg_norms(net, ord=2):
    """(norm of all w, norm of all b)."""
    w = np.concatenate([np.ravel(layer.np["w"]) for layer in net.layers])
    b = np.concatenate([np.ravel(layer.np["b"]) for layer in net.layers if "b" in layer.np])
    return np.linalg.norm(w, ord=ord), np.linalg.norm(b, ord=ord)


def reg_error(e, net, rr):
    """e + rr * |w| + rr * |b| (neurolab's regularised error)."""
    w, b = reg_norms(net)
    return e + rr * w + rr * b


def reg_grad(grad, net, rr):
    """grad[l][k] += rr * layer.np[k] for w and b of every layer, in place; returns grad."""
    for i, layer in enumerate(net.layers):
        grad[i]["w"] += rr * layer.np["w"]
        if "b" in layer.np:
            grad[i]["b"] += rr * layer.np["b"]
    return grad
