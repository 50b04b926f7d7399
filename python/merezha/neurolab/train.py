"""Training functions of merezha.neurolab (neurolab.train): train_delta, train_gd, train_gdm,
train_gda, train_gdx, train_rprop, train_bfgs, train_cg, train_ncg, train_wta, train_cwta,
train_lvq, and trainer(Train, **defaults) to make one with other defaults.

Each is a core.Trainer: ``net.train(input, target, epochs=500, show=100, goal=0.01, ...)``
runs the algorithm in C++ (mz::classic::nl, GIL released) and returns the error of each
recorded epoch. The Train classes below name each algorithm and its keywords and defaults
(neurolab's); the scipy-based ones take gtol (bfgs, cg) or avextol (ncg) as scipy does.
"""
from merezha.neurolab.core import Trainer

__all__ = ["trainer", "train_delta", "train_gd", "train_gdm", "train_gda", "train_gdx",
           "train_rprop", "train_bfgs", "train_cg", "train_ncg", "train_wta", "train_cwta",
           "train_lvq", "TrainDelta", "TrainGD", "TrainGDM", "TrainGDA", "TrainGDX",
           "TrainRprop", "TrainBFGS", "TrainCG", "TrainNCG", "TrainWTA", "TrainCWTA",
           "TrainLVQ"]

_CONTROL = ("epochs", "goal", "show")


class _Train:
    """An algorithm: its C++ name, keywords with defaults, and whether it takes a target."""
    _name = None
    _unsupervised = False
    defaults = {}

    @classmethod
    def _check_keywords(cls, kwargs):
        for key in kwargs:
            if key not in cls.defaults:
                allowed = ", ".join(list(cls.defaults) + list(_CONTROL))
                raise TypeError("%s: unknown keyword '%s': expected one of %s, got '%s'."
                                % (cls._name, key, allowed, key))

    @classmethod
    def _options(cls, params):
        """The keywords of the C++ call."""
        opts = {}
        for key, value in params.items():
            if key == "adapt":
                opts["adapt"] = bool(value)
            elif key == "avextol":
                opts["xtol"] = float(value)
            else:
                opts[key] = float(value)
        return opts


class TrainDelta(_Train):
    """Perceptron (delta) rule on layer 0: W += lr (t - o) x, b += lr (t - o)."""
    _name = "train_delta"
    defaults = {"lr": 0.01}


class TrainGD(_Train):
    """Gradient descent backpropagation (batch, or per sample with adapt=True)."""
    _name = "train_gd"
    defaults = {"lr": 0.01, "adapt": False, "rr": 0.0}


class TrainGDM(_Train):
    """Gradient descent with momentum: v = mc v + (1 - mc) lr g."""
    _name = "train_gdm"
    defaults = {"lr": 0.01, "adapt": False, "mc": 0.9, "rr": 0.0}


class TrainGDA(_Train):
    """Gradient descent with an adaptive learning rate (lr_inc, lr_dec, max_perf_inc)."""
    _name = "train_gda"
    defaults = {"lr": 0.01, "adapt": False, "lr_inc": 1.05, "lr_dec": 0.7,
                "max_perf_inc": 1.04, "rr": 0.0}


class TrainGDX(_Train):
    """Gradient descent with momentum and an adaptive learning rate (rr ignored, as neurolab
    does)."""
    _name = "train_gdx"
    defaults = {"lr": 0.01, "adapt": False, "lr_inc": 1.05, "lr_dec": 0.7,
                "max_perf_inc": 1.04, "mc": 0.9, "rr": 0.0}


class TrainRprop(_Train):
    """Resilient backpropagation on the flat parameter vector."""
    _name = "train_rprop"
    defaults = {"lr": 0.07, "adapt": False, "rate_dec": 0.5, "rate_inc": 1.2,
                "rate_min": 1e-9, "rate_max": 50}


class TrainBFGS(_Train):
    """Quasi-Newton BFGS (neurolab used scipy.optimize.fmin_bfgs; one epoch per iteration)."""
    _name = "train_bfgs"
    defaults = {"rr": 0.0, "gtol": 1e-5}


class TrainCG(_Train):
    """Polak-Ribiere conjugate gradient (neurolab used scipy.optimize.fmin_cg)."""
    _name = "train_cg"
    defaults = {"rr": 0.0, "gtol": 1e-5}


class TrainNCG(_Train):
    """Newton conjugate gradient (neurolab used scipy.optimize.fmin_ncg)."""
    _name = "train_ncg"
    defaults = {"rr": 0.0, "avextol": 1e-5}


class TrainWTA(_Train):
    """Winner takes all (newc); prototypes start at random samples on every call."""
    _name = "train_wta"
    _unsupervised = True
    defaults = {"lr": 0.01}


class TrainCWTA(_Train):
    """Winner takes all with conscience (newc's default)."""
    _name = "train_cwta"
    _unsupervised = True
    defaults = {"lr": 0.01}


class TrainLVQ(_Train):
    """Learning vector quantisation (LVQ1 with adapt=True, the default)."""
    _name = "train_lvq"
    defaults = {"lr": 0.01, "adapt": True}


def trainer(Train, **kwargs):
    """A Trainer running algorithm Train with the given default keywords."""
    c = Trainer(Train, **kwargs)
    c.__doc__ = Train.__doc__
    c.__name__ = Train.__name__
    return c


train_delta = trainer(TrainDelta)
train_gd = trainer(TrainGD)
train_gdm = trainer(TrainGDM)
train_gda = trainer(TrainGDA)
train_gdx = trainer(TrainGDX)
train_rprop = trainer(TrainRprop)
train_bfgs = trainer(TrainBFGS)
train_cg = trainer(TrainCG)
train_ncg = trainer(TrainNCG)
train_wta = trainer(TrainWTA)
train_cwta = trainer(TrainCWTA)
train_lvq = trainer(TrainLVQ)
