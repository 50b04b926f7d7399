"""Type stubs of merezha.regularizers (python/make_stubs.py writes them)."""
from typing import Any

from merezha._objects import KerasObject

Regularizer = KerasObject

class L1(KerasObject):
    def __init__(self, l1: Any = 0.01) -> None: ...
class L2(KerasObject):
    def __init__(self, l2: Any = 0.01) -> None: ...
class L1L2(KerasObject):
    def __init__(self, l1: Any = 0.0, l2: Any = 0.0) -> None: ...
class OrthogonalRegularizer(KerasObject):
    def __init__(self, factor: Any = 0.01, mode: Any = 'rows') -> None: ...
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer
