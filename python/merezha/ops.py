"""Differentiable operations on merezha Tensors, under Keras's names (``keras.ops``): use
them (and the Tensor operators + - * / **) in custom losses and metrics."""
from merezha._merezha import Tensor  # noqa: F401
from merezha._merezha.ops import *  # noqa: F401,F403
from merezha._merezha import ops as _ops

__all__ = [n for n in dir(_ops) if not n.startswith("_")] + ["Tensor"]
