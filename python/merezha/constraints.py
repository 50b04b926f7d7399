"""Keras's weight constraints (MaxNorm, MinMaxNorm, NonNeg, UnitNorm) as config objects read
by the C++ core when a layer is made."""
from merezha._objects import KerasObject, make_class

_M = "keras.constraints"
Constraint = KerasObject
MaxNorm = make_class(_M, "MaxNorm", [("max_value", 2.0), ("axis", 0)], "Keras's MaxNorm.")
MinMaxNorm = make_class(_M, "MinMaxNorm", [("min_value", 0.0), ("max_value", 1.0),
                                           ("rate", 1.0), ("axis", 0)], "Keras's MinMaxNorm.")
NonNeg = make_class(_M, "NonNeg", [], "Keras's NonNeg.")
UnitNorm = make_class(_M, "UnitNorm", [("axis", 0)], "Keras's UnitNorm.")
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

__all__ = [
    "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "max_norm", "min_max_norm", "non_neg",
    "unit_norm", "Constraint"
]
