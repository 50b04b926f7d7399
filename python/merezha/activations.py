"""Keras's activations as functions on merezha Tensors (``merezha.activations.relu(x)``);
passed to a layer (``Dense(10, activation=activations.relu)``) they stand for their Keras
name."""
from merezha._merezha import ops as _ops

_NAMES = [n.strip() for n in _ops.activation_names().replace('"', "").split(",") if n.strip()]


def _make(name):
    def fn(x):
        return _ops.activation(name, x)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Keras's activations.{name} on a Tensor (or array)."
    fn._keras_activation = name
    return fn


for _name in _NAMES:
    globals()[_name] = _make(_name)
del _name


def get(identifier):
    """The activation function of a name (None: linear), or a callable as it is."""
    if identifier is None:
        return globals()["linear"]
    if isinstance(identifier, str):
        if identifier not in _NAMES:
            raise ValueError(f"activations.get: unknown activation \"{identifier}\"; expected "
                             f"one of {', '.join(_NAMES)}.")
        return globals()[identifier]
    if callable(identifier):
        return identifier
    raise ValueError(f"activations.get: expected a name or a function, "
                     f"got {type(identifier).__name__}.")


def serialize(fn):
    """The Keras name of an activation function."""
    return getattr(fn, "_keras_activation", getattr(fn, "__name__", None))


deserialize = get
__all__ = list(_NAMES) + ["get", "serialize", "deserialize"]
