"""Network constructors of merezha.neurolab (neurolab.net): newp, newff, newc, newlvq, newelm,
newhop, newhem, and neurolab master's newgrnn and newpnn. Arguments, defaults and the
networks built are neurolab's; the nets are built and initialised in C++ drawing from NumPy's
global generator, so after np.random.seed(s) they hold neurolab's weights."""
import numpy as np

from merezha import _merezha
from merezha.neurolab import error, init, layer, train, trans
from merezha.neurolab.core import InputError, Net, _check_transf, _numeric

__all__ = ["newp", "newff", "newc", "newlvq", "newelm", "newhop", "newhem", "newgrnn",
           "newpnn"]


def _minmax(minmax, who):
    a = _numeric(minmax, who, "minmax")
    if a.ndim != 2 or a.shape[1] != 2 or a.shape[0] == 0:
        raise InputError("%s: minmax shape: expected (inputs, 2), one (min, max) per input, "
                         "got %s." % (who, a.shape))
    return np.ascontiguousarray(a)


def _check_ranges(mm, who):
    """Nguyen-Widrow divides by max - min: a flat input range would give NaN weights."""
    for i, (lo, hi) in enumerate(mm):
        if not lo < hi:
            raise ValueError("%s: minmax row %d is the range of input %d: expected min < max, "
                             "got (%r, %r)." % (who, i, i, float(lo), float(hi)))


def _patterns(target, who, what="target"):
    a = _numeric(target, who, what)
    if a.ndim != 2:
        raise InputError("%s: %s shape: expected (patterns, n), got %s." % (who, what, a.shape))
    return np.ascontiguousarray(a)


def _sizes(size, who):
    if size is None:
        raise TypeError("%s: size: expected a list of neuron counts, got None." % who)
    try:
        return [int(s) for s in size]
    except (TypeError, ValueError):
        raise TypeError("%s: size: expected a list of neuron counts, got %r." % (who, size)) \
            from None


def _transfers(transf, n, who):
    if transf is None:
        return [trans.TanSig() for _ in range(n)]
    transf = list(transf)
    if len(transf) != n:
        raise InputError("%s: one transfer per layer: expected %d transfer functions, got %d."
                         % (who, n, len(transf)))
    return [_check_transf(f, who) for f in transf]


def _wrap(c, trainf, errorf, layers):
    net = Net._wrap(c, trainf, errorf, layers)
    return net


def newp(minmax, cn, transf=trans.HardLim()):
    """Single-layer perceptron with cn neurons; initwb_reg; train_delta; SSE."""
    mm = _minmax(minmax, "newp")
    f = _check_transf(transf, "newp")
    c = _merezha._NlNet.newp(mm, int(cn), f._c)
    return _wrap(c, train.train_delta, error.SSE(), [layer.Perceptron(mm.shape[0], int(cn), f)])


def newff(minmax, size, transf=None):
    """Multi-layer perceptron: layer i has size[i] neurons; TanSig everywhere by default;
    initnw; train_bfgs; SSE."""
    mm = _minmax(minmax, "newff")
    _check_ranges(mm, "newff")
    size = _sizes(size, "newff")
    fs = _transfers(transf, len(size), "newff")
    c = _merezha._NlNet.newff(mm, size, [f._c for f in fs])
    layers = []
    ci = mm.shape[0]
    for nn, f in zip(size, fs):
        lay = layer.Perceptron(ci, nn, f)
        lay.initf = init.initnw
        layers.append(lay)
        ci = nn
    return _wrap(c, train.train_bfgs, error.SSE(), layers)


def newc(minmax, cn):
    """Competitive (Kohonen) layer of cn neurons; midpoint init; train_cwta; SAE."""
    mm = _minmax(minmax, "newc")
    c = _merezha._NlNet.newc(mm, int(cn))
    return _wrap(c, train.train_cwta, error.SAE(), [layer.Competitive(mm.shape[0], int(cn))])


def newlvq(minmax, cn0, pc):
    """LVQ net: Competitive(ci, cn0) then PureLin(cn0, len(pc)); sum(pc) must be exactly 1;
    train_lvq; MSE."""
    mm = _minmax(minmax, "newlvq")
    pc = _numeric(pc, "newlvq", "pc").reshape(-1)
    if sum(pc) != 1:
        raise InputError("newlvq: pc holds class fractions: expected sum(pc) == 1 exactly, "
                         "got %r." % (float(sum(pc)),))
    if int(cn0) <= len(pc):
        raise InputError("newlvq: cn0: expected more hidden neurons than classes (%d), got %d."
                         % (len(pc), int(cn0)))
    c = _merezha._NlNet.newlvq(mm, int(cn0), [float(p) for p in pc])
    out = layer.Perceptron(int(cn0), len(pc), trans.PureLin())
    out.initf = None
    return _wrap(c, train.train_lvq, error.MSE(),
                 [layer.Competitive(mm.shape[0], int(cn0)), out])


def newelm(minmax, size, transf=None):
    """Elman net: like newff, but layer 0 also reads its own previous output; initwb_reg;
    train_gdx; MSE."""
    mm = _minmax(minmax, "newelm")
    size = _sizes(size, "newelm")
    fs = _transfers(transf, len(size), "newelm")
    c = _merezha._NlNet.newelm(mm, size, [f._c for f in fs])
    layers = []
    ci = mm.shape[0] + size[0]
    for nn, f in zip(size, fs):
        layers.append(layer.Perceptron(ci, nn, f))
        ci = nn
    return _wrap(c, train.train_gdx, error.MSE(), layers)


def newhop(target, transf=None, max_init=10, delta=0):
    """Hopfield net storing the rows of target (patterns of +-1); HardLims by default; no
    trainer."""
    t = _patterns(target, "newhop")
    f = trans.HardLims() if transf is None else _check_transf(transf, "newhop")
    c = _merezha._NlNet.newhop(t, f._c, int(max_init), float(delta))
    n = t.shape[1]
    return _wrap(c, None, None, [layer.Reccurent(n, n, f, int(max_init), float(delta))])


def newhem(target, transf=None, max_iter=10, delta=0):
    """Hamming net: Perceptron with w = target / 2, b = n / 2 (SatLinPrm(0.1, 0, 10) by
    default), then a MAXNET recurrent layer; no trainer."""
    t = _patterns(target, "newhem")
    f = trans.SatLinPrm(0.1, 0, 10) if transf is None else _check_transf(transf, "newhem")
    c = _merezha._NlNet.newhem(t, f._c, int(max_iter), float(delta))
    m, n = t.shape
    inp = layer.Perceptron(n, m, f)
    inp.initf = None
    out = layer.Reccurent(m, m, trans.SatLinPrm(1, 0, 1e6), int(max_iter), float(delta))
    return _wrap(c, None, None, [inp, out])


def newgrnn(minmax, x, y, bias):
    """Generalised regression net (neurolab master): RBN with centres x and width multiplier
    bias, then a normalised linear layer holding y; output sum a_i y_i / sum a_i."""
    mm = _minmax(minmax, "newgrnn")
    xs = _patterns(x, "newgrnn", "x")
    ys = _patterns(y, "newgrnn", "y")
    c = _merezha._NlNet.newgrnn(mm, xs, ys, float(bias))
    return _wrap(c, None, None, [layer.RBN(mm.shape[0], xs.shape[0]),
                                 layer.Linear(xs.shape[0], ys.shape[1], trans.PureLin())])


def newpnn(minmax, x, d, bias):
    """Probabilistic net (neurolab master): RBN with centres x, then a competitive layer over
    the class indicator rows d (samples, classes)."""
    mm = _minmax(minmax, "newpnn")
    xs = _patterns(x, "newpnn", "x")
    ds = _patterns(d, "newpnn", "d")
    c = _merezha._NlNet.newpnn(mm, xs, ds, float(bias))
    return _wrap(c, None, None, [layer.RBN(mm.shape[0], xs.shape[0]),
                                 layer.Competitive(xs.shape[0], ds.shape[1])])
