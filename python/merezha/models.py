"""Keras's models: ``Sequential``, ``Model`` (functional: ``Model(inputs, outputs)``),
``Input``, ``load_model`` (.keras archives written by merezha or Keras 3; ``custom_objects``
for layers subclassed in Python) and ``model_from_json``."""
from merezha import _merezha
from merezha._merezha import Input, Model, Sequential  # noqa: F401
from merezha.saving import CustomObjectScope, load_model  # noqa: F401


def model_from_json(json_string, custom_objects=None):
    """A model from Keras's JSON (``Model.to_json()``); ``custom_objects`` maps the class
    names of Python layers to their classes."""
    with CustomObjectScope(custom_objects):
        return _merezha.model_from_json(json_string)


def clone_model(model):
    """A new model of the same architecture (fresh weights), from its config."""
    return model_from_json(model.to_json())


__all__ = ["Input", "Model", "Sequential", "load_model", "model_from_json", "clone_model"]
