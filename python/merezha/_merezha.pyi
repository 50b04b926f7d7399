"""merezha: the C++ core of the merezha package"""

from merezha import (
    BackendError as BackendError,
    Error as Error,
    FormatError as FormatError,
    InternalError as InternalError,
    IoError as IoError,
    ShapeError as ShapeError,
    ValueError as ValueError
)
from merezha._merezha import ops as ops


class Tensor:
    """
    An n-dimensional array on a device; shares memory with the NumPy array it was made from where the layout allows.
    """

    def __init__(self, data: object | None) -> None: ...

    @property
    def shape(self) -> tuple: ...

    @property
    def dtype(self) -> str: ...

    @property
    def device(self) -> str: ...

    @property
    def ndim(self) -> int: ...

    def __len__(self) -> int: ...

    def numpy(self) -> object:
        """A NumPy array sharing this tensor's memory (host tensors)."""

    def __array__(self, dtype: object | None = None, copy: object | None = None) -> object: ...

    def __repr__(self) -> str: ...

    def __add__(self, arg: object, /) -> Tensor: ...

    def __radd__(self, arg: object, /) -> Tensor: ...

    def __sub__(self, arg: object, /) -> Tensor: ...

    def __rsub__(self, arg: object, /) -> Tensor: ...

    def __mul__(self, arg: object, /) -> Tensor: ...

    def __rmul__(self, arg: object, /) -> Tensor: ...

    def __truediv__(self, arg: object, /) -> Tensor: ...

    def __rtruediv__(self, arg: object, /) -> Tensor: ...

    def __pow__(self, arg: object, /) -> Tensor: ...

    def __neg__(self) -> Tensor: ...

    def __abs__(self) -> Tensor: ...

    def __matmul__(self, arg: object, /) -> Tensor: ...

def tensor(data: object | None) -> Tensor:
    """
    A Tensor over a NumPy array (or anything numpy.asarray takes), without a copy where the layout allows.
    """

class Variable:
    """A weight of a layer (Keras's Variable)."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def trainable(self) -> bool: ...

    @property
    def shape(self) -> tuple: ...

    @property
    def dtype(self) -> str: ...

    @property
    def value(self) -> Tensor: ...

    def numpy(self) -> object:
        """A copy of the value as a NumPy array."""

    def __array__(self, dtype: object | None = None, copy: object | None = None) -> object: ...

    def assign(self, value: object | None) -> None:
        """Sets the value (same shape; cast to the variable's dtype)."""

    def __repr__(self) -> str: ...

    def __add__(self, arg: object, /) -> Tensor: ...

    def __radd__(self, arg: object, /) -> Tensor: ...

    def __sub__(self, arg: object, /) -> Tensor: ...

    def __rsub__(self, arg: object, /) -> Tensor: ...

    def __mul__(self, arg: object, /) -> Tensor: ...

    def __rmul__(self, arg: object, /) -> Tensor: ...

    def __truediv__(self, arg: object, /) -> Tensor: ...

    def __rtruediv__(self, arg: object, /) -> Tensor: ...

    def __pow__(self, arg: object, /) -> Tensor: ...

    def __neg__(self) -> Tensor: ...

    def __matmul__(self, arg: object, /) -> Tensor: ...

    def __rmatmul__(self, arg: object, /) -> Tensor: ...

class KerasTensor:
    """
    A symbolic tensor of the functional API (made by Input() and by calling layers on KerasTensors).
    """

    @property
    def shape(self) -> tuple: ...

    @property
    def dtype(self) -> str: ...

    @property
    def ndim(self) -> int: ...

    @property
    def name(self) -> str: ...

    def __repr__(self) -> str: ...

class Layer:
    """
    A Keras layer. Make one with merezha.layers.<ClassName>(...) or layer_from_config(), or subclass it in Python (build, call).
    """

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        """A layer subclassed in Python from its get_config() dict."""

    def __init__(self, **kwargs) -> None:
        """
        Keras's Layer(**kwargs) for subclasses: name, trainable, dtype (and input_shape).
        """

    def add_weight(self, shape: object | None = None, initializer: object | None = None, dtype: object | None = None, trainable: bool = True, autocast: bool = True, regularizer: object | None = None, constraint: object | None = None, aggregation: object | None = 'none', overwrite_with_gradient: bool = False, name: object | None = None) -> Variable:
        """
        Keras's add_weight (in build()): a Variable of this shape, made by the initializer (a name, an initializer object or a config; default glorot_uniform).
        """

    @property
    def name(self) -> str: ...

    @property
    def class_name(self) -> str: ...

    @property
    def dtype(self) -> str: ...

    @property
    def built(self) -> bool:
        """
        Whether the layer is built; merezha marks it after build() (setting it is ignored).
        """

    @built.setter
    def built(self, arg: bool, /) -> None: ...

    @property
    def trainable(self) -> bool: ...

    @trainable.setter
    def trainable(self, arg: bool, /) -> None: ...

    @property
    def weights(self) -> list: ...

    @property
    def trainable_weights(self) -> list: ...

    @property
    def non_trainable_weights(self) -> list: ...

    @property
    def variables(self) -> list: ...

    def get_weights(self) -> object:
        """The weights as NumPy arrays (copies), in order."""

    def set_weights(self, weights: object | None) -> None:
        """
        Sets the weights from arrays, in get_weights() order; ShapeError on a mismatch.
        """

    def count_params(self) -> int: ...

    def get_config(self) -> object:
        """Keras's config dict of the layer."""

    def build(self, input_shape: object | None) -> None:
        """Builds the layer for inputs of this shape (batch first)."""

    def compute_output_shape(self, input_shape: object | None) -> tuple: ...

    def __call__(self, inputs: object | None, training: object | None = None) -> object:
        """
        Calls the layer: on KerasTensors it records a node (functional API); on arrays it computes (a Tensor, or a list for several outputs).
        """

    def __repr__(self) -> str: ...

def layer_from_config(config: object | None) -> Layer:
    """
    A layer from Keras's {"class_name": ..., "config": {...}} (registry of the C++ core).
    """

def layer_class_names() -> list[str]:
    """The Keras class names merezha can make."""

def Input(shape: object | None = None, batch_size: object | None = None, dtype: object | None = None, sparse: object | None = None, batch_shape: object | None = None, name: object | None = None, tensor: object | None = None) -> KerasTensor:
    """
    Keras's Input: the symbolic tensor of an InputLayer; shape excludes the batch.
    """

def clear_session() -> None:
    """Forgets the layer names handed out."""

def set_random_seed(seed: int) -> None:
    """Seeds the default generator (initializers, dropout, shuffling)."""

def set_num_threads(n: int) -> None:
    """Sets the number of threads the CPU kernels use."""

def num_threads() -> int:
    """The number of threads the kernels use."""

class Optimizer:
    """A Keras optimizer (merezha.optimizers.Adam(...), ...)."""

    @property
    def name(self) -> str: ...

    @property
    def class_name(self) -> str: ...

    @property
    def iterations(self) -> int: ...

    @property
    def learning_rate(self) -> float: ...

    @learning_rate.setter
    def learning_rate(self, arg: float, /) -> None: ...

    def get_config(self) -> object: ...

    def __repr__(self) -> str: ...

def optimizer_from_config(config: object | None) -> Optimizer:
    """An optimizer from Keras's {"class_name": ..., "config": {...}}."""

def get_optimizer(name: str) -> Optimizer:
    """An optimizer by Keras name, Keras's defaults."""

class Loss:
    """A Keras loss (merezha.losses.MeanSquaredError(), ...)."""

    @property
    def name(self) -> str: ...

    @property
    def reduction(self) -> str: ...

    @property
    def class_name(self) -> str: ...

    def get_config(self) -> object: ...

    def __call__(self, y_true: object | None, y_pred: object | None, sample_weight: object | None = None) -> Tensor:
        """
        The reduced loss as a Tensor (differentiable when the inputs are Tensors).
        """

def loss_from_config(config: object | None) -> Loss:
    """A loss from Keras's {"class_name": ..., "config": {...}}."""

def get_loss(name: str) -> Loss:
    """A loss by Keras name."""

class Metric:
    """A stateful Keras metric."""

    @property
    def name(self) -> str: ...

    @property
    def class_name(self) -> str: ...

    def update_state(self, y_true: object | None, y_pred: object | None, sample_weight: object | None = None) -> None: ...

    def result(self) -> object: ...

    def reset_state(self) -> None: ...

    def get_config(self) -> object: ...

def get_metric(name: str) -> Metric:
    """A metric by Keras name or class name, Keras's defaults."""

class NativeCallback:
    """A callback of the C++ core (EarlyStopping, ...)."""

class EarlyStopping(NativeCallback):
    def __init__(self, monitor: str = 'val_loss', min_delta: float = 0.0, patience: int = 0, verbose: int = 0, mode: str = 'auto', baseline: float | None = None, restore_best_weights: bool = False, start_from_epoch: int = 0) -> None: ...

    @property
    def stopped_epoch(self) -> int: ...

    @property
    def best(self) -> float: ...

    @property
    def wait(self) -> int: ...

class ReduceLROnPlateau(NativeCallback):
    def __init__(self, monitor: str = 'val_loss', factor: float = 0.1, patience: int = 10, verbose: int = 0, mode: str = 'auto', min_delta: float = 0.0001, cooldown: int = 0, min_lr: float = 0.0) -> None: ...

class CSVLogger(NativeCallback):
    def __init__(self, filename: str, separator: str = ',', append: bool = False) -> None: ...

class TensorBoard(NativeCallback):
    def __init__(self, log_dir: str = 'logs', histogram_freq: int = 0, write_graph: bool = True, update_freq: object = 'epoch') -> None: ...

class TerminateOnNaN(NativeCallback):
    def __init__(self, raise_error: bool = False) -> None: ...

class ModelCheckpoint(NativeCallback):
    def __init__(self, filepath: str, monitor: str = 'val_loss', verbose: int = 0, save_best_only: bool = False, save_weights_only: bool = False, mode: str = 'auto', save_freq: object = 'epoch', initial_value_threshold: float | None = None) -> None: ...

    @property
    def best(self) -> float: ...

    @property
    def last_saved(self) -> str: ...

class LearningRateScheduler(NativeCallback):
    def __init__(self, schedule: object | None, verbose: int = 0) -> None: ...

class Communicator:
    """
    The ranks of a data-parallel job (merezha.distribute.init()); pass it to Model.fit(communicator=...).
    """

    @property
    def rank(self) -> int:
        """This process's rank, 0 .. size - 1."""

    @property
    def size(self) -> int:
        """The number of ranks."""

    @property
    def backend(self) -> str:
        """"mpi" or "in_process"."""

    @property
    def timeout(self) -> float:
        """
        Seconds a collective waits for the other ranks before failing (default 60).
        """

    @timeout.setter
    def timeout(self, arg: float, /) -> None: ...

    @property
    def deterministic(self) -> bool:
        """
        True (default): sums add the ranks' values in rank order (bitwise reproducible); False: MPI's own order.
        """

    @deterministic.setter
    def deterministic(self, arg: bool, /) -> None: ...

    def barrier(self) -> None:
        """Returns once every rank has called barrier()."""

    def __repr__(self) -> str: ...

class Model(Layer):
    """
    Keras's Model: Model(inputs, outputs) makes a functional model; a subclass that calls super().__init__() and defines call() is a subclassed model.
    """

    def __init__(self, *args, **kwargs) -> None: ...

    def compile(self, optimizer: object | None = 'rmsprop', loss: object | None = None, loss_weights: object | None = None, metrics: object | None = None, weighted_metrics: object | None = None, **kwargs) -> None:
        """
        Keras's compile: optimizer, loss and metrics as names, objects, configs or functions.
        """

    def fit(self, x: object | None = None, y: object | None = None, batch_size: object | None = None, epochs: int = 1, verbose: object = 'auto', callbacks: object | None = None, validation_split: float = 0.0, validation_data: object | None = None, shuffle: bool = True, class_weight: object | None = None, sample_weight: object | None = None, initial_epoch: int = 0, steps_per_epoch: object | None = None, communicator: object | None = None, **kwargs) -> object:
        """
        Keras's fit on NumPy arrays; returns a History. Ctrl-C stops after the current batch and raises KeyboardInterrupt. communicator (merezha.distribute.init()) trains data-parallel over the ranks of an mpirun job: batch_size is the global batch.
        """

    def evaluate(self, x: object | None = None, y: object | None = None, batch_size: object | None = None, verbose: object = 'auto', sample_weight: object | None = None, steps: object | None = None, callbacks: object | None = None, return_dict: bool = False, **kwargs) -> object:
        """
        The loss (and metrics: a list, or a dict with return_dict=True) over (x, y).
        """

    def predict(self, x: object | None, batch_size: object | None = None, verbose: object = 'auto', steps: object | None = None, callbacks: object | None = None) -> object:
        """The outputs for x as NumPy arrays (a list for several outputs)."""

    def train_on_batch(self, x: object | None, y: object | None = None, sample_weight: object | None = None, class_weight: object | None = None, return_dict: bool = False) -> object: ...

    def test_on_batch(self, x: object | None, y: object | None = None, sample_weight: object | None = None, return_dict: bool = False) -> object: ...

    def predict_on_batch(self, x: object | None) -> object: ...

    def summary(self, line_length: object | None = None, print_fn: object | None = None, **kwargs) -> None:
        """Prints Keras's summary table (or passes it to print_fn)."""

    def save(self, filepath: str, **kwargs) -> None:
        """Saves a Keras 3 .keras archive."""

    def save_weights(self, filepath: str, **kwargs) -> None:
        """Saves the weights as a Keras .weights.h5 file."""

    def load_weights(self, filepath: str, **kwargs) -> None:
        """Loads weights saved by save_weights (merezha or Keras)."""

    def to_json(self, **kwargs) -> str:
        """Keras's JSON of the model (architecture only)."""

    def get_layer(self, name: object | None = None, index: object | None = None) -> Layer: ...

    @property
    def layers(self) -> list: ...

    @property
    def inputs(self) -> object: ...

    @property
    def outputs(self) -> object: ...

    @property
    def output_names(self) -> list[str]: ...

    @property
    def optimizer(self) -> Optimizer: ...

    @property
    def compiled(self) -> bool: ...

    @property
    def metrics_names(self) -> list[str]: ...

    @property
    def stop_training(self) -> bool: ...

    @stop_training.setter
    def stop_training(self, arg: bool, /) -> None: ...

    def reset_metrics(self) -> None: ...

class Sequential(Model):
    """Keras's Sequential: a linear stack of layers."""

    def __init__(self, layers: object | None = None, trainable: bool = True, name: object | None = None) -> None: ...

    def add(self, layer: object | None) -> None:
        """Appends a layer (or an Input())."""

    def pop(self) -> None:
        """Removes the last layer."""

def load_model(filepath: str, compile: bool = True, **kwargs) -> Model:
    """A model from a Keras 3 .keras archive (merezha's or Keras's)."""

def model_from_json(json: str) -> Model:
    """A model from Keras's JSON (Model.to_json())."""
