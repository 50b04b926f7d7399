"""Keras's models: ``Sequential``, ``Model`` (functional: ``Model(inputs, outputs)``),
``Input``, ``load_model`` (.keras archives written by merezha or Keras 3) and
``model_from_json``."""
from merezha._merezha import Input, Model, Sequential, load_model, model_from_json  # noqa: F401


def clone_model(model):
    """A new model of the same architecture (fresh weights), from its config."""
    return model_from_json(model.to_json())


__all__ = ["Input", "Model", "Sequential", "load_model", "model_from_json", "clone_model"]
