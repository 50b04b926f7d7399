"""Transfer functions of merezha.neurolab (neurolab.trans): TanSig, PureLin, LogSig, HardLim,
HardLims, SatLin, SatLins, SatLinPrm, SoftMax, Competitive and RadBas.

Each is a callable ``f(x)`` with ``f.deriv(x, y)``, ``f.out_minmax`` and ``f.inp_active`` as
in neurolab; the arithmetic runs in C++ (mz::classic::nl::Transfer), which is also what the
layers use while simulating and training.
"""
import numpy as np

from merezha import _merezha

__all__ = ["TanSig", "PureLin", "LogSig", "HardLim", "HardLims", "SatLin", "SatLins",
           "SatLinPrm", "SoftMax", "Competitive", "RadBas"]


def _as_float_array(x, who):
    """x as a float64 ndarray; TypeError naming `who` for None and non-numeric data."""
    if x is None:
        raise TypeError("%s: expected a numeric array, got None." % who)
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise TypeError("%s: expected a numeric array, got %s (%s)."
                        % (who, type(x).__name__, e)) from None


class _Transfer:
    """Common part: the C++ transfer and the vector-wise calls into it."""

    def _params(self):
        return (1.0, 0.0, 1.0)

    @property
    def _c(self):
        c = self.__dict__.get("_c_cache")
        if c is None:
            c = _merezha._nl_transfer(type(self).__name__, *self._params())
            self.__dict__["_c_cache"] = c
        return c

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_c_cache", None)
        return state

    def __call__(self, x):
        x = _as_float_array(x, type(self).__name__)
        flat = np.ascontiguousarray(x.reshape(-1))
        return self._c.apply(flat).reshape(x.shape)

    def deriv(self, x, y):
        """dy/dx given the net input x and the output y = f(x)."""
        x = _as_float_array(x, type(self).__name__ + ".deriv")
        y = _as_float_array(y, type(self).__name__ + ".deriv")
        if x.shape != y.shape:
            raise ValueError("%s.deriv: x and y shapes: expected equal, got %s and %s."
                             % (type(self).__name__, x.shape, y.shape))
        d = self._c.deriv(np.ascontiguousarray(x.reshape(-1)),
                          np.ascontiguousarray(y.reshape(-1)))
        return d.reshape(x.shape)

    def __eq__(self, other):
        return type(self) is type(other) and self._params() == other._params()

    def __hash__(self):
        return hash((type(self).__name__, self._params()))

    def __repr__(self):
        return "%s()" % type(self).__name__


class TanSig(_Transfer):
    """Hyperbolic tangent sigmoid: tanh(x); deriv 1 - y^2."""
    out_minmax = [-1, 1]
    inp_active = [-2, 2]


class PureLin(_Transfer):
    """Linear: x; deriv 1."""
    out_minmax = [-np.inf, np.inf]
    inp_active = [-np.inf, np.inf]


class LogSig(_Transfer):
    """Logarithmic sigmoid: 1 / (1 + exp(-x)); deriv y (1 - y)."""
    out_minmax = [0, 1]
    inp_active = [-4, 4]


class HardLim(_Transfer):
    """Hard limit: 1 if x > 0 else 0; deriv 0."""
    out_minmax = [0, 1]
    inp_active = [0, 0]


class HardLims(_Transfer):
    """Symmetric hard limit: 1 if x > 0 else -1; deriv 0."""
    out_minmax = [-1, 1]
    inp_active = [0, 0]


class SatLin(_Transfer):
    """Saturating linear: clip(x, 0, 1); deriv 1 on (0, 1) else 0."""
    out_minmax = [0, 1]
    inp_active = [0, 1]


class SatLins(_Transfer):
    """Symmetric saturating linear: clip(x, -1, 1); deriv 1 on (-1, 1) else 0."""
    out_minmax = [-1, 1]
    inp_active = [-1, 1]


class SatLinPrm(_Transfer):
    """Parametric saturating linear: k * clip(x, out_min, out_max) (neurolab scales the
    saturated values too); deriv 1 on (out_min, out_max) else 0."""

    def __init__(self, k=1, out_min=0, out_max=1):
        self.k = k
        self.out_min = out_min
        self.out_max = out_max
        self.out_minmax = [out_min, out_max]
        self.inp_active = [out_min, out_max]

    def _params(self):
        return (float(self.k), float(self.out_min), float(self.out_max))

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        self.__dict__.pop("_c_cache", None)

    def __repr__(self):
        return "SatLinPrm(%r, %r, %r)" % (self.k, self.out_min, self.out_max)


class SoftMax(_Transfer):
    """Soft max over the whole array: exp(x) / sum(exp(x)); deriv y (1 - y)."""
    out_minmax = [0, 1]
    inp_active = [-np.inf, np.inf]


class Competitive(_Transfer):
    """Competitive: 1 at the first minimum of the array, 0 elsewhere; no derivative."""
    out_minmax = [0, 1]
    inp_active = [-np.inf, np.inf]


class RadBas(_Transfer):
    """Radial basis: exp(-x^2) (neurolab master); deriv 0 as neurolab's."""
    out_minmax = [-np.inf, np.inf]
    inp_active = [-np.inf, np.inf]


def _from_c(c):
    """The Python transfer object matching C++ transfer c (a layer's transf)."""
    cls = globals()[c.name]
    if cls is SatLinPrm:
        raise ValueError("neurolab.trans: a SatLinPrm needs its parameters: expected them "
                         "from the caller, got only the C++ transfer.")
    return cls()
