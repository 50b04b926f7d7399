"""Keras's optimizers (``merezha.optimizers.Adam(learning_rate=1e-3)``, ...): C++ optimizers
made from Keras's config, with Keras's argument names and defaults. ``schedules`` holds the
learning-rate schedules."""
from merezha import _merezha
from merezha._merezha import Optimizer  # noqa: F401
from merezha._objects import KerasObject, make_class

_COMMON = ["weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
           "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
           "gradient_accumulation_steps", "name"]
_POSITIONAL = {
    "SGD": ["learning_rate", "momentum", "nesterov"],
    "Adam": ["learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad"],
    "AdamW": ["learning_rate", "weight_decay", "beta_1", "beta_2", "epsilon", "amsgrad"],
    "RMSprop": ["learning_rate", "rho", "momentum", "epsilon", "centered"],
    "Adagrad": ["learning_rate", "initial_accumulator_value", "epsilon"],
    "Adadelta": ["learning_rate", "rho", "epsilon"],
    "Adamax": ["learning_rate", "beta_1", "beta_2", "epsilon"],
    "Nadam": ["learning_rate", "beta_1", "beta_2", "epsilon"],
    "Lion": ["learning_rate", "beta_1", "beta_2"],
}


def _factory(class_name):
    names = _POSITIONAL[class_name]

    def make(*args, **kwargs):
        if len(args) > len(names):
            raise TypeError(f"{class_name}() takes at most {len(names)} positional arguments")
        config = dict(zip(names, args))
        config.update(kwargs)
        return _merezha.optimizer_from_config({"class_name": class_name, "config": config})
    make.__name__ = make.__qualname__ = class_name
    make.__doc__ = (f"Keras's optimizers.{class_name}({', '.join(names)}, **kwargs) "
                    f"with Keras's defaults.")
    return make


for _name in _POSITIONAL:
    globals()[_name] = _factory(_name)
del _name


class schedules:  # noqa: N801 (Keras's module name)
    """Keras's learning-rate schedules, given as learning_rate= to an optimizer."""

    LearningRateSchedule = KerasObject
    ExponentialDecay = make_class(
        "keras.optimizers.schedules", "ExponentialDecay",
        [("initial_learning_rate", None), ("decay_steps", None), ("decay_rate", None),
         ("staircase", False), ("name", "ExponentialDecay")], "Keras's ExponentialDecay.")
    InverseTimeDecay = make_class(
        "keras.optimizers.schedules", "InverseTimeDecay",
        [("initial_learning_rate", None), ("decay_steps", None), ("decay_rate", None),
         ("staircase", False), ("name", "InverseTimeDecay")], "Keras's InverseTimeDecay.")
    PiecewiseConstantDecay = make_class(
        "keras.optimizers.schedules", "PiecewiseConstantDecay",
        [("boundaries", None), ("values", None), ("name", "PiecewiseConstant")],
        "Keras's PiecewiseConstantDecay.")
    PolynomialDecay = make_class(
        "keras.optimizers.schedules", "PolynomialDecay",
        [("initial_learning_rate", None), ("decay_steps", None),
         ("end_learning_rate", 0.0001), ("power", 1.0), ("cycle", False),
         ("name", "PolynomialDecay")], "Keras's PolynomialDecay.")
    CosineDecay = make_class(
        "keras.optimizers.schedules", "CosineDecay",
        [("initial_learning_rate", None), ("decay_steps", None), ("alpha", 0.0),
         ("name", "CosineDecay"), ("warmup_target", None), ("warmup_steps", 0)],
        "Keras's CosineDecay.")
    CosineDecayRestarts = make_class(
        "keras.optimizers.schedules", "CosineDecayRestarts",
        [("initial_learning_rate", None), ("first_decay_steps", None), ("t_mul", 2.0),
         ("m_mul", 1.0), ("alpha", 0.0), ("name", "SGDRDecay")],
        "Keras's CosineDecayRestarts.")


def get(identifier):
    """An optimizer from a name, a config dict or an optimizer (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _merezha.get_optimizer(identifier)
    return _merezha.optimizer_from_config(identifier)


def deserialize(config):
    """An optimizer from Keras's serialized dict."""
    return _merezha.optimizer_from_config(config)


def serialize(optimizer):
    """Keras's serialized dict of an optimizer."""
    return optimizer._keras_config()


__all__ = list(_POSITIONAL) + ["Optimizer", "schedules", "get", "serialize", "deserialize"]
