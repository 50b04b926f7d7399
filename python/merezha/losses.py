"""Keras's losses: classes (``merezha.losses.MeanSquaredError()``) that make C++ losses from
Keras's config, and the function forms (``merezha.losses.mean_squared_error(y_true, y_pred)``,
per-sample values) that compile() also takes by name."""
from merezha import _merezha
from merezha._merezha import Loss  # noqa: F401

# Keras 3's positional parameters after which come reduction and name.
_POSITIONAL = {
    "MeanSquaredError": [], "MeanAbsoluteError": [], "MeanAbsolutePercentageError": [],
    "MeanSquaredLogarithmicError": [], "LogCosh": [], "KLDivergence": [], "Poisson": [],
    "Hinge": [], "SquaredHinge": [], "CategoricalHinge": [], "CTC": [],
    "Huber": ["delta"],
    "CosineSimilarity": ["axis"],
    "BinaryCrossentropy": ["from_logits", "label_smoothing", "axis"],
    "BinaryFocalCrossentropy": ["apply_class_balancing", "alpha", "gamma", "from_logits",
                                "label_smoothing", "axis"],
    "CategoricalCrossentropy": ["from_logits", "label_smoothing", "axis"],
    "SparseCategoricalCrossentropy": ["from_logits", "ignore_class"],
}


def _factory(class_name):
    names = _POSITIONAL[class_name]

    def make(*args, **kwargs):
        if len(args) > len(names):
            raise TypeError(f"{class_name}() takes at most {len(names)} positional arguments")
        config = dict(zip(names, args))
        config.update(kwargs)
        return _merezha.loss_from_config({"class_name": class_name, "config": config})
    make.__name__ = make.__qualname__ = class_name
    make.__doc__ = f"Keras's losses.{class_name}({', '.join(names)}, reduction=..., name=...)."
    return make


for _name in _POSITIONAL:
    globals()[_name] = _factory(_name)


def _function(name, class_name):
    def fn(y_true, y_pred):
        loss = _merezha.loss_from_config({"class_name": class_name,
                                          "config": {"reduction": "none"}})
        return loss(y_true, y_pred)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Keras's losses.{name}: per-sample values (a Tensor)."
    fn._keras_name = name
    return fn


_FUNCTIONS = {
    "mean_squared_error": "MeanSquaredError", "mean_absolute_error": "MeanAbsoluteError",
    "mean_absolute_percentage_error": "MeanAbsolutePercentageError",
    "mean_squared_logarithmic_error": "MeanSquaredLogarithmicError",
    "log_cosh": "LogCosh", "kl_divergence": "KLDivergence", "poisson": "Poisson",
    "hinge": "Hinge", "squared_hinge": "SquaredHinge", "categorical_hinge": "CategoricalHinge",
    "huber": "Huber", "binary_crossentropy": "BinaryCrossentropy",
    "binary_focal_crossentropy": "BinaryFocalCrossentropy",
    "categorical_crossentropy": "CategoricalCrossentropy",
    "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
}
for _name, _cls in _FUNCTIONS.items():
    globals()[_name] = _function(_name, _cls)
mse, mae, mape, msle = (mean_squared_error, mean_absolute_error,  # noqa: F821
                        mean_absolute_percentage_error,  # noqa: F821
                        mean_squared_logarithmic_error)  # noqa: F821
del _name, _cls


def get(identifier):
    """A loss from a name, a config dict, a Loss or a function (the last two as they are)."""
    if isinstance(identifier, str):
        return _merezha.get_loss(identifier)
    if isinstance(identifier, dict):
        return _merezha.loss_from_config(identifier)
    return identifier


def deserialize(config):
    """A loss from Keras's serialized dict."""
    return _merezha.loss_from_config(config)


__all__ = list(_POSITIONAL) + list(_FUNCTIONS) + ["Loss", "get", "deserialize", "mse", "mae",
                                                   "mape", "msle"]
