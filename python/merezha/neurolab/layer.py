"""Layer types of merezha.neurolab (neurolab.layer): Perceptron, Competitive, Reccurent (sic,
neurolab's spelling), and neurolab master's RBN and Linear. A layer computes in C++ once a
Net holds it."""
import numpy as np

from merezha.neurolab import init, trans
from merezha.neurolab.core import Layer, _check_transf

__all__ = ["Perceptron", "Competitive", "Reccurent", "RBN", "Linear", "euclidean"]


def euclidean(A, B):
    """Euclidean distance of each row of A to B (neurolab.layer.euclidean)."""
    return np.sqrt(np.sum(np.square(np.asarray(A, float) - np.asarray(B, float)), axis=1))


def _ranges(transf, co):
    return np.asarray([transf.out_minmax] * co, dtype=np.float64)


class Perceptron(Layer):
    """Perceptron layer: s = W x + b, y = transf(s); W is (cn, ci). Default initf
    initwb_reg."""
    _kind = "Perceptron"

    def __init__(self, ci, cn, transf):
        Layer.__init__(self, ci, cn, cn, {"w": (cn, ci), "b": cn})
        self.transf = _check_transf(transf, "Perceptron")
        self.out_minmax = _ranges(self.transf, self.co)
        self.initf = init.initwb_reg

    @property
    def s(self):
        """The last net input W x + b (a copy)."""
        return self._state("s", np.zeros(self.cn))


class Competitive(Layer):
    """Competitive (Kohonen) layer: y = onehot(argmin conscience * |w_k - x|); distf is
    accepted and, as in neurolab, the distance is always Euclidean. Default initf midpoint."""
    _kind = "Competitive"

    def __init__(self, ci, cn, distf=None):
        Layer.__init__(self, ci, cn, cn, {"w": (cn, ci), "conscience": cn})
        self.transf = trans.Competitive()
        self.initf = init.midpoint
        self.out_minmax = _ranges(self.transf, cn)
        self.np["conscience"].fill(1.0)
        self.distf = euclidean

    @property
    def last_dist(self):
        """The distances of the last step (a copy)."""
        return self._state("last_dist", np.zeros(self.cn))


class Reccurent(Layer):
    """Recurrent layer: u <- transf(W u + b) from u = x, at most max_iter times, stopping when
    sum |o - u| <= delta (synchronous updates)."""
    _kind = "Reccurent"

    def __init__(self, ci, cn, transf, max_iter, delta):
        Layer.__init__(self, ci, cn, cn, {"w": (cn, ci), "b": cn})
        self.max_iter = max_iter
        self.delta = delta
        self.transf = _check_transf(transf, "Reccurent")
        self.out_minmax = _ranges(self.transf, self.co)
        self.initf = None

    @property
    def s(self):
        """The last net input W u + b (a copy)."""
        return self._state("s", np.zeros(self.cn))

    @property
    def outs(self):
        """The outputs of the last step's iterations that neurolab keeps (all but the one
        that met delta), recomputed from the last input."""
        if self._net is None:
            return []
        u = np.asarray(self.inp, dtype=np.float64)
        w = np.asarray(self.np["w"], dtype=np.float64)
        b = np.asarray(self.np["b"], dtype=np.float64)
        outs = []
        for i in range(int(self.max_iter)):
            o = self.transf(np.sum(w * u, axis=1) + b)
            if i > 0 and np.abs(o - u).sum() <= self.delta:
                break
            outs.append(o)
            u = o
        return outs


class RBN(Layer):
    """Radial basis layer (neurolab master): y_k = exp(-(b_k |w_k - x|)^2); w holds the
    centres."""
    _kind = "RBN"

    def __init__(self, ci, cn):
        Layer.__init__(self, ci, cn, cn, {"w": (cn, ci), "b": cn})
        self.transf = trans.RadBas()
        self.out_minmax = _ranges(self.transf, cn)
        self.initf = None


class Linear(Layer):
    """Normalised linear layer (neurolab master): s = (x W + b) / sum(x), y = transf(s); W is
    (ci, cn). Default initf initwb_reg."""
    _kind = "Linear"

    def __init__(self, ci, cn, transf):
        Layer.__init__(self, ci, cn, cn, {"w": (ci, cn), "b": cn})
        self.transf = _check_transf(transf, "Linear")
        self.out_minmax = _ranges(self.transf, cn)
        self.initf = init.initwb_reg
