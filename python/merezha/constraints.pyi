"""Type stubs of merezha.constraints (python/make_stubs.py writes them)."""
from typing import Any

from merezha._objects import KerasObject

Constraint = KerasObject

class MaxNorm(KerasObject):
    def __init__(self, max_value: Any = 2.0, axis: Any = 0) -> None: ...
class MinMaxNorm(KerasObject):
    def __init__(self, min_value: Any = 0.0, max_value: Any = 1.0, rate: Any = 1.0, axis: Any = 0) -> None: ...
class NonNeg(KerasObject):
    def __init__(self) -> None: ...
class UnitNorm(KerasObject):
    def __init__(self, axis: Any = 0) -> None: ...
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
