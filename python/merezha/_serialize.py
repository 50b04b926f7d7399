"""Keras-style serialization of Python arguments into the JSON configs the C++ core reads.

Objects that stand for Keras objects (initializers, regularizers, constraints, layers)
provide ``_keras_config()``; NumPy scalars and arrays become numbers and lists; activation
functions from ``merezha.activations`` become their names.
"""
import json

import numpy as np


def default(obj):
    """The JSON form of one object json.dumps cannot write itself."""
    if hasattr(obj, "_keras_config"):
        return obj._keras_config()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.dtype):
        return obj.name
    if isinstance(obj, type) and issubclass(obj, np.generic):
        return np.dtype(obj).name
    name = getattr(obj, "_keras_activation", None)
    if name is not None:
        return name
    raise TypeError(f"{type(obj).__name__} {obj!r} has no Keras config")


def dumps(obj):
    """obj as a JSON string (tuples become lists, see default())."""
    return json.dumps(obj, default=default)


def envelope(module, class_name, config):
    """Keras's serialized-object dict."""
    return {"module": module, "class_name": class_name, "config": config,
            "registered_name": None}
