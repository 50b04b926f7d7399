"""Writes the type stubs of the merezha package into python/merezha/: _merezha.pyi and
ops.pyi with nanobind's stubgen (from the built extension), and layers.pyi, optimizers.pyi,
losses.pyi, metrics.pyi, initializers.pyi, activations.pyi from the factory tables of those
modules (their classes are made at import time, so editors need the stubs to see them).

Run after building: PYTHONPATH=<build>/python python python/make_stubs.py
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The source tree's merezha/ has no extension: import the built package on PYTHONPATH.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

import merezha  # noqa: E402
from merezha import (activations, constraints, initializers, layers, losses,  # noqa: E402
                     metrics, optimizers, regularizers)

OUT = os.path.join(HERE, "merezha")
HEADER = '"""Type stubs of merezha.{0} (python/make_stubs.py writes them)."""\n'


def stubgen(module, path):
    subprocess.run([sys.executable, "-m", "nanobind.stubgen", "-q", "-m", module, "-o", path],
                   check=True)


def signature(params, extra="**kwargs"):
    args = [f"{p}: Any = ..." for p in params]
    return ", ".join(args + ([extra] if extra else []))


def write(name, lines):
    with open(os.path.join(OUT, name + ".pyi"), "w") as f:
        f.write(HEADER.format(name))
        f.write("\n".join(lines) + "\n")


def fix_layer_stub(path):
    """Layer.from_config is a classmethod set from Python (merezha.layers): stubgen writes it
    as a module-level import; make it a method of Layer."""
    with open(path) as f:
        text = f.read()
    text = text.replace("from merezha.layers import _layer_from_dict as from_config\n", "")
    marker = "class Layer:\n"
    head, tail = text.split(marker, 1)
    doc_end = tail.index('"""', tail.index('"""') + 3) + 3
    method = ("\n\n    @classmethod\n    def from_config(cls, config: dict) -> Layer:\n"
              "        \"\"\"A layer subclassed in Python from its get_config() dict.\"\"\"")
    with open(path, "w") as f:
        f.write(head + marker + tail[:doc_end] + method + tail[doc_end:])


def main():
    stubgen("merezha._merezha", os.path.join(OUT, "_merezha.pyi"))
    fix_layer_stub(os.path.join(OUT, "_merezha.pyi"))
    stubgen("merezha._merezha.ops", os.path.join(OUT, "ops.pyi"))
    with open(os.path.join(OUT, "ops.pyi"), "a") as f:
        f.write("\nfrom merezha._merezha import Tensor as Tensor\n")

    lines = ["from typing import Any, Callable", "",
             "from merezha._merezha import Input as Input, KerasTensor as KerasTensor, "
             "Layer as Layer", "",
             "class Lambda(Layer):",
             "    def __init__(self, function: Callable[..., Any], output_shape: Any = ..., "
             "mask: Any = ..., arguments: dict | None = ..., **kwargs) -> None: ...",
             "    def call(self, inputs: Any, training: Any = ...) -> Any: ...", "",
             "def InputLayer(shape: Any = ..., batch_size: Any = ..., dtype: Any = ..., "
             "sparse: Any = ..., batch_shape: Any = ..., input_tensor: Any = ..., "
             "name: Any = ..., **kwargs) -> KerasTensor: ..."]
    for name in sorted(n for n in merezha._merezha.layer_class_names() if n != "InputLayer"):
        params = signature(["self"] + layers._POSITIONAL.get(name, []))
        params = params.replace("self: Any = ...", "self")
        lines += [f"class {name}(Layer):", f"    def __init__({params}) -> None: ..."]
    for alias, target in sorted(layers._ALIASES.items()):
        lines.append(f"{alias} = {target}")
    for merge in ["add", "concatenate", "multiply", "average", "subtract", "maximum",
                  "minimum"]:
        extra = "axis: int = -1, **kwargs" if merge == "concatenate" else "**kwargs"
        lines.append(f"def {merge}(inputs: list[KerasTensor], {extra}) -> KerasTensor: ...")
    lines += ["def serialize(layer: Layer) -> dict: ...",
              "def deserialize(config: dict) -> Layer: ..."]
    write("layers", lines)

    lines = ["from typing import Any", "", "from merezha._merezha import Optimizer as Optimizer",
             "from merezha._objects import KerasObject", ""]
    for name, params in optimizers._POSITIONAL.items():
        lines.append(f"def {name}({signature(params)}) -> Optimizer: ...")
    lines += ["", "class schedules:"]
    for name in ["ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay",
                 "PolynomialDecay", "CosineDecay", "CosineDecayRestarts"]:
        lines.append(f"    class {name}(KerasObject):")
        lines.append("        def __init__(self, *args: Any, **kwargs: Any) -> None: ...")
    lines += ["", "def get(identifier: Any) -> Optimizer: ...",
              "def serialize(optimizer: Optimizer) -> dict: ...",
              "def deserialize(config: dict) -> Optimizer: ..."]
    write("optimizers", lines)

    lines = ["from typing import Any", "", "from merezha._merezha import Loss as Loss, "
             "Tensor", ""]
    for name, params in losses._POSITIONAL.items():
        lines.append(f"def {name}({signature(params + ['reduction', 'name'])}) -> Loss: ...")
    for name in list(losses._FUNCTIONS) + ["mse", "mae", "mape", "msle"]:
        lines.append(f"def {name}(y_true: Any, y_pred: Any) -> Tensor: ...")
    lines.append("def get(identifier: Any) -> Any: ...")
    lines.append("def deserialize(config: dict) -> Loss: ...")
    write("losses", lines)

    lines = ["from typing import Any", "", "from merezha._merezha import Metric as Metric, "
             "Tensor", ""]
    for name in metrics._CLASSES:
        lines.append(f"def {name}() -> Metric: ...")
    for name in ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                 "mean_squared_logarithmic_error", "binary_crossentropy",
                 "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mae",
                 "mape", "msle"]:
        lines.append(f"def {name}(y_true: Any, y_pred: Any) -> Tensor: ...")
    lines.append("def get(identifier: Any) -> Any: ...")
    write("metrics", lines)

    for module, base in [(initializers, "Initializer"), (regularizers, "Regularizer"),
                         (constraints, "Constraint")]:
        lines = ["from typing import Any", "", "from merezha._objects import KerasObject", "",
                 f"{base} = KerasObject", ""]
        for name in module.__all__:
            obj = getattr(module, name)
            if name == base:
                continue
            if obj.__name__ != name:  # an alias
                lines.append(f"{name} = {obj.__name__}")
            elif isinstance(obj, type):
                args = ", ".join(["self"] + [f"{p}: Any = {d!r}" for p, d in obj._params])
                lines += [f"class {name}(KerasObject):", f"    def __init__({args}) -> None: ..."]
            else:
                lines.append(f"def {name}(identifier: Any) -> Any: ...")
        write(module.__name__.split(".")[-1], lines)

    lines = ["from typing import Any, Callable", "", "from merezha._merezha import Tensor", ""]
    for name in activations._NAMES:
        lines.append(f"def {name}(x: Any) -> Tensor: ...")
    lines += ["def get(identifier: Any) -> Callable[[Any], Tensor]: ...",
              "def serialize(fn: Callable) -> str: ...",
              "def deserialize(identifier: Any) -> Callable[[Any], Tensor]: ..."]
    write("activations", lines)


if __name__ == "__main__":
    main()
