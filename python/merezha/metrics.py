"""Keras's metrics: classes (``merezha.metrics.CategoricalAccuracy()``) made by the C++ core
with Keras's defaults, and the function forms that compile() also takes by name."""
from merezha import _merezha
from merezha._merezha import Metric  # noqa: F401
from merezha import losses as _losses

_CLASSES = [
    "Accuracy", "AUC", "BinaryAccuracy", "BinaryCrossentropy", "CategoricalAccuracy",
    "CategoricalCrossentropy", "F1Score", "FBetaScore", "MeanAbsoluteError",
    "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError",
    "Precision", "R2Score", "Recall", "RootMeanSquaredError", "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy", "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy",
]


def _keras_name(class_name):
    """Keras's default metric name of a class: "BinaryAccuracy" -> "binary_accuracy"."""
    special = {"AUC": "auc", "FBetaScore": "fbeta_score", "F1Score": "f1_score",
               "R2Score": "r2_score"}
    if class_name in special:
        return special[class_name]
    return "".join("_" + c.lower() if c.isupper() and i else c.lower()
                   for i, c in enumerate(class_name))


def _factory(class_name):
    def make(**kwargs):
        if kwargs:
            raise ValueError(f"metrics.{class_name}: merezha makes metric objects with Keras's "
                             f"defaults; expected no arguments, got {sorted(kwargs)}. Pass the "
                             f"name \"{class_name}\" or a function to compile(metrics=...) "
                             f"instead.")
        metric = _merezha.get_metric(_keras_name(class_name))
        return metric if metric.class_name == class_name else _merezha.get_metric(class_name)
    make.__name__ = make.__qualname__ = class_name
    make.__doc__ = f"Keras's metrics.{class_name}() with Keras's defaults."
    return make


for _name in _CLASSES:
    globals()[_name] = _factory(_name)
del _name


def _function(name, fn):
    def metric(y_true, y_pred):
        return fn(y_true, y_pred)
    metric.__name__ = metric.__qualname__ = name
    metric._keras_name = name
    return metric


mean_squared_error = _losses.mean_squared_error
mean_absolute_error = _losses.mean_absolute_error
mean_absolute_percentage_error = _losses.mean_absolute_percentage_error
mean_squared_logarithmic_error = _losses.mean_squared_logarithmic_error
binary_crossentropy = _losses.binary_crossentropy
categorical_crossentropy = _losses.categorical_crossentropy
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy
mse, mae, mape, msle = _losses.mse, _losses.mae, _losses.mape, _losses.msle


def get(identifier):
    """A metric from a name or class name (Keras's defaults), or a Metric/function as is."""
    if isinstance(identifier, str):
        return _merezha.get_metric(identifier)
    return identifier


__all__ = _CLASSES + ["Metric", "get", "mean_squared_error", "mean_absolute_error",
                      "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
                      "binary_crossentropy", "categorical_crossentropy",
                      "sparse_categorical_crossentropy", "mse", "mae", "mape", "msle"]
