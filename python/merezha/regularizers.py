"""Keras's regularizers (L1, L2, L1L2, OrthogonalRegularizer) as config objects read by the
C++ core when a layer is made."""
from merezha._objects import KerasObject, make_class

_M = "keras.regularizers"
Regularizer = KerasObject
L1 = make_class(_M, "L1", [("l1", 0.01)], "Keras's regularizers.L1.")
L2 = make_class(_M, "L2", [("l2", 0.01)], "Keras's regularizers.L2.")
L1L2 = make_class(_M, "L1L2", [("l1", 0.0), ("l2", 0.0)], "Keras's regularizers.L1L2.")
OrthogonalRegularizer = make_class(_M, "OrthogonalRegularizer",
                                   [("factor", 0.01), ("mode", "rows")],
                                   "Keras's regularizers.OrthogonalRegularizer.")
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

__all__ = [
    "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2", "l1_l2",
    "orthogonal_regularizer", "Regularizer"
]
