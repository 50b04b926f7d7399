"""Error functions of merezha.neurolab (neurolab.error): SSE, SAE, MSE, MAE and CEE.

``f(target, output)`` is the error of a whole batch; ``f.deriv(target, output)`` is the
per-sample derivative -dE/do that the gradient trainers use (neurolab's convention). The
arithmetic runs in C++ (mz::classic::nl::ErrorFn).
"""
import numpy as np

from merezha import _merezha

__all__ = ["SSE", "SAE", "MSE", "MAE", "CEE"]


def _pair(target, output, who):
    if target is None or output is None:
        raise TypeError("%s: expected numeric target and output arrays, got None." % who)
    t = np.asarray(target, dtype=np.float64)
    o = np.asarray(output, dtype=np.float64)
    if t.shape != o.shape:
        raise ValueError("%s: target and output shapes: expected equal, got %s and %s."
                         % (who, t.shape, o.shape))
    return np.ascontiguousarray(t.reshape(-1)), np.ascontiguousarray(o.reshape(-1)), t.shape


class _Error:
    """Common part: the C++ error function and the calls into it."""

    @property
    def _c(self):
        c = self.__dict__.get("_c_cache")
        if c is None:
            c = _merezha._nl_error(type(self).__name__)
            self.__dict__["_c_cache"] = c
        return c

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_c_cache", None)
        return state

    def __call__(self, target, output):
        t, o, _ = _pair(target, output, type(self).__name__)
        return self._c.value(t, o)

    def deriv(self, target, output):
        """-dE/do for one sample (1-D target and output of the same length)."""
        t, o, shape = _pair(target, output, type(self).__name__ + ".deriv")
        return self._c.deriv(t, o).reshape(shape)

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)

    def __repr__(self):
        return "%s()" % type(self).__name__


class SSE(_Error):
    """Sum squared error with neurolab's half: 0.5 * sum(e^2)."""


class SAE(_Error):
    """Sum absolute error: sum(|e|)."""


class MSE(_Error):
    """Mean squared error over all elements."""


class MAE(_Error):
    """Mean absolute error over all elements."""


class CEE(_Error):
    """Cross-entropy error (binary, mean over all elements, o and t clipped to [eps, 1-eps])."""


def _from_name(name):
    """The error object of neurolab class name `name`, or None for None."""
    return None if name is None else globals()[name]()
