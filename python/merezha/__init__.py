"""merezha: a C++20 neural-network library with a Keras face and a neurolab face.

`import merezha as keras` runs Keras programs that use the supported layers;
`import merezha.neurolab as nl` runs neurolab programs.
"""
from merezha._merezha import (  # noqa: F401
    BackendError,
    Error,
    FormatError,
    InternalError,
    IoError,
    ShapeError,
    Tensor,
    ValueError,
    tensor,
)

__version__ = "0.1.0"

# The Keras face: `import merezha as keras`.
from merezha import (  # noqa: F401,E402
    activations,
    callbacks,
    constraints,
    distribute,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
    saving,
    utils,
)
from merezha._merezha import Input, KerasTensor, Layer, Model, Sequential  # noqa: F401,E402
from merezha.models import load_model  # noqa: F401,E402
