"""merezha.neurolab: a drop-in for neurolab 0.3.5 (``import merezha.neurolab as nl``) whose
networks compute and train in C++ (mz::classic::nl).

Modules as in neurolab: net (newp, newff, newc, newlvq, newelm, newhop, newhem, newgrnn,
newpnn), train (train_gd, train_rprop, train_bfgs, ...), error (SSE, MSE, ...), trans
(TanSig, PureLin, ...), init (initnw, InitRand, ...), tool (minmax, np_get, ...), layer and
core (Net, Trainer). Behaviour follows neurolab's master branch where it fixed 0.3.5's bugs.
"""
from merezha.neurolab import core, error, init, layer, net, tool, train, trans  # noqa: F401
from merezha.neurolab.tool import load  # noqa: F401

__version__ = "0.3.5"
