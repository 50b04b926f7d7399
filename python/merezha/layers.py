"""Keras's layers (``merezha.layers.Dense``, ``Conv2D``, ...): one class per class of the
C++ layer registry, taking Keras's arguments (positional ones in Keras's order) and making
the layer from its Keras config; the C++ core fills Keras's defaults. ``isinstance(layer,
merezha.layers.Dense)`` checks the layer's Keras class.

``Layer`` is the base class of every layer, and of layers subclassed in Python (``build``,
``call``, ``add_weight``); ``Lambda`` wraps a function. ``Input``/``InputLayer`` make the
declared inputs; ``input_shape=`` on the first layer of a ``Sequential`` works as in Keras 2.
"""
import inspect

from merezha import _merezha
from merezha._merezha import Input, KerasTensor, Layer, layer_class_names  # noqa: F401

# Keras 3's positional parameters, by class; everything else is a keyword argument.
_CONV = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
         "groups", "activation", "use_bias"]
_CONV_T = ["filters", "kernel_size", "strides", "padding", "output_padding", "data_format",
           "dilation_rate", "activation", "use_bias"]
_SEP = ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
        "depth_multiplier", "activation", "use_bias"]
_DEPTH = ["kernel_size", "strides", "padding", "depth_multiplier", "data_format",
          "dilation_rate", "activation", "use_bias"]
_POOL = ["pool_size", "strides", "padding", "data_format"]
_GPOOL = ["data_format", "keepdims"]
_RNN = ["units"]
_POSITIONAL = {
    "Activation": ["activation"],
    "ActivityRegularization": ["l1", "l2"],
    "Add": [], "Average": [], "Maximum": [], "Minimum": [], "Multiply": [], "Subtract": [],
    "AdditiveAttention": ["use_scale", "dropout"],
    "AlphaDropout": ["rate", "noise_shape", "seed"],
    "Attention": ["use_scale", "score_mode", "dropout", "seed"],
    "BatchNormalization": ["axis", "momentum", "epsilon", "center", "scale"],
    "Bidirectional": ["layer", "merge_mode", "weights", "backward_layer"],
    "Concatenate": ["axis"],
    "Conv1D": _CONV, "Conv2D": _CONV, "Conv3D": _CONV,
    "Conv1DTranspose": _CONV_T, "Conv2DTranspose": _CONV_T, "Conv3DTranspose": _CONV_T,
    "Cropping1D": ["cropping"], "Cropping2D": ["cropping", "data_format"],
    "Cropping3D": ["cropping", "data_format"],
    "Dense": ["units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
              "kernel_regularizer", "bias_regularizer", "activity_regularizer",
              "kernel_constraint", "bias_constraint"],
    "DepthwiseConv1D": _DEPTH, "DepthwiseConv2D": _DEPTH,
    "Dot": ["axes", "normalize"],
    "Dropout": ["rate", "noise_shape", "seed"],
    "Embedding": ["input_dim", "output_dim", "embeddings_initializer",
                  "embeddings_regularizer", "embeddings_constraint", "mask_zero"],
    "Flatten": ["data_format"],
    "GaussianDropout": ["rate", "seed"],
    "GaussianNoise": ["stddev", "seed"],
    "GlobalAveragePooling1D": _GPOOL, "GlobalAveragePooling2D": _GPOOL,
    "GlobalAveragePooling3D": _GPOOL, "GlobalMaxPooling1D": _GPOOL,
    "GlobalMaxPooling2D": _GPOOL, "GlobalMaxPooling3D": _GPOOL,
    "GroupNormalization": ["groups", "axis", "epsilon", "center", "scale"],
    "GRU": _RNN, "GRUCell": _RNN, "LSTM": _RNN, "LSTMCell": _RNN,
    "SimpleRNN": _RNN, "SimpleRNNCell": _RNN,
    "LayerNormalization": ["axis", "epsilon", "center", "scale"],
    "Masking": ["mask_value"],
    "MaxPooling1D": _POOL, "MaxPooling2D": _POOL, "MaxPooling3D": _POOL,
    "AveragePooling1D": _POOL, "AveragePooling2D": _POOL, "AveragePooling3D": _POOL,
    "MultiHeadAttention": ["num_heads", "key_dim", "value_dim", "dropout", "use_bias",
                           "output_shape", "attention_axes"],
    "Permute": ["dims"],
    "RepeatVector": ["n"],
    "Rescaling": ["scale", "offset"],
    "Reshape": ["target_shape"],
    "RNN": ["cell", "return_sequences", "return_state", "go_backwards", "stateful",
            "unroll"],
    "SeparableConv1D": _SEP, "SeparableConv2D": _SEP,
    "SpatialDropout1D": ["rate", "seed"], "SpatialDropout2D": ["rate", "data_format", "seed"],
    "SpatialDropout3D": ["rate", "data_format", "seed"],
    "TimeDistributed": ["layer"],
    "UnitNormalization": ["axis"],
    "UpSampling1D": ["size"], "UpSampling2D": ["size", "data_format", "interpolation"],
    "UpSampling3D": ["size", "data_format"],
    "ZeroPadding1D": ["padding"], "ZeroPadding2D": ["padding", "data_format"],
    "ZeroPadding3D": ["padding", "data_format"],
}
# Keras 2 arguments that are not part of a layer's config.
_BUILD_ARGS = ("input_shape", "input_dim", "batch_input_shape", "input_length")


def _make(class_name, args, kwargs):
    names = _POSITIONAL.get(class_name, [])
    if len(args) > len(names):
        raise TypeError(f"{class_name}() takes at most {len(names)} positional arguments "
                        f"({', '.join(names) or 'none'}), got {len(args)}")
    config = dict(zip(names, args))
    for key, value in kwargs.items():
        if key in config:
            raise TypeError(f"{class_name}() got multiple values for argument '{key}'")
        config[key] = value
    input_shape = config.pop("input_shape", None)
    if "input_dim" in config and "input_dim" not in names:
        input_shape = (config.pop("input_dim"),)
    batch_input_shape = config.pop("batch_input_shape", None)
    if batch_input_shape is not None:
        input_shape = tuple(batch_input_shape)[1:]
    config.pop("input_length", None)
    layer = _merezha.layer_from_config({"class_name": class_name, "config": config})
    if input_shape is not None:
        layer._mz_input_shape = tuple(input_shape) if hasattr(input_shape, "__iter__") \
            else (input_shape,)
    return layer


class _LayerClass(type):
    """The metaclass of the C++ layer classes: calling one makes the layer from its Keras
    config; isinstance() checks the layer's Keras class name."""

    def __call__(cls, *args, **kwargs):
        return _make(cls._class_name, args, kwargs)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Layer) and obj.class_name == cls._class_name


def _no_subclass(cls, **kwargs):
    raise TypeError(f"merezha.layers.{cls.__mro__[1].__name__} is a C++ layer and cannot be "
                    f"subclassed in Python: subclass merezha.layers.Layer and hold the layer "
                    f"as an attribute instead.")


def _from_config(cls, config):
    return _merezha.layer_from_config({"class_name": cls._class_name, "config": config})


def _factory(class_name):
    params = ", ".join(_POSITIONAL.get(class_name, []))
    doc = (f"Keras's {class_name}({params}, **kwargs): a merezha Layer made from its Keras "
           f"config (Keras's argument names and defaults).")
    return _LayerClass(class_name, (), {
        "__doc__": doc, "__module__": __name__, "_class_name": class_name,
        "__init_subclass__": _no_subclass, "from_config": classmethod(_from_config)})


def _layer_from_dict(cls, config):
    return cls(**config)


# Keras's Layer.from_config for layers subclassed in Python: cls(**config).
Layer.from_config = classmethod(_layer_from_dict)


class Lambda(Layer):
    """Keras's Lambda(function, output_shape=None, mask=None, arguments=None): a layer that
    applies ``function(inputs, **arguments)``; build it from merezha.ops and the Tensor
    operators so it is differentiable."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda: function: expected a callable, got "
                             f"{type(function).__name__}.")
        self.function = function
        self.output_shape = output_shape
        self.mask = mask
        self.arguments = dict(arguments or {})
        try:
            self._takes_training = "training" in inspect.signature(function).parameters
        except (TypeError, ValueError):
            self._takes_training = False

    def call(self, inputs, training=None):
        kwargs = dict(self.arguments)
        if self._takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def get_config(self):
        from merezha import saving
        config = super().get_config()
        config.update({"function": saving.get_registered_name(self.function),
                       "output_shape": self.output_shape, "arguments": self.arguments})
        return config

    @classmethod
    def from_config(cls, config):
        from merezha import saving
        config = dict(config)
        function = config.pop("function", None)
        if isinstance(function, dict):
            raise ValueError("Lambda: function: the configuration holds Python bytecode "
                             "(saved by Keras); expected the name of a function in "
                             "custom_objects or registered with "
                             "register_keras_serializable.")
        found = saving.get_registered_object(function) if isinstance(function, str) else None
        if found is None:
            raise ValueError(f'Lambda: function: expected "{function}" in custom_objects or '
                             f"registered with register_keras_serializable, got none.")
        return cls(found, **config)


def _input_layer(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, name=None, **kwargs):
    if "input_shape" in kwargs and shape is None:
        shape = kwargs.pop("input_shape")
    if "batch_input_shape" in kwargs and batch_shape is None:
        batch_shape = kwargs.pop("batch_input_shape")
    return Input(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                 batch_shape=batch_shape, name=name)


class _InputLayerClass(_LayerClass):
    def __call__(cls, *args, **kwargs):
        return _input_layer(*args, **kwargs)


InputLayer = _InputLayerClass("InputLayer", (), {
    "__doc__": "Keras's InputLayer(shape, batch_size, dtype, sparse, batch_shape, "
               "input_tensor, name): the declared input of a Sequential "
               "(Sequential([InputLayer((784,)), ...])); calling it gives the Input() tensor.",
    "__module__": __name__, "_class_name": "InputLayer", "__init_subclass__": _no_subclass})


for _name in layer_class_names():
    if _name != "InputLayer":
        globals()[_name] = _factory(_name)
del _name

__all__ = ["Input", "InputLayer", "KerasTensor", "Layer", "Lambda"] + [
    n for n in layer_class_names() if n != "InputLayer"]

# Keras's aliases.
_ALIASES = {
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose", "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "MaxPool1D": "MaxPooling1D", "MaxPool2D": "MaxPooling2D", "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D", "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D", "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D", "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "SeparableConvolution1D": "SeparableConv1D", "SeparableConvolution2D": "SeparableConv2D",
}
for _alias, _target in _ALIASES.items():
    if _target in globals():
        globals()[_alias] = globals()[_target]
        __all__.append(_alias)
del _alias, _target


def add(inputs, **kwargs):
    """Keras's functional merge: Add()(inputs)."""
    return globals()["Add"](**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Keras's functional merge: Concatenate(axis)(inputs)."""
    return globals()["Concatenate"](axis=axis, **kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Keras's functional merge: Multiply()(inputs)."""
    return globals()["Multiply"](**kwargs)(inputs)


def average(inputs, **kwargs):
    """Keras's functional merge: Average()(inputs)."""
    return globals()["Average"](**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Keras's functional merge: Subtract()(inputs)."""
    return globals()["Subtract"](**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Keras's functional merge: Maximum()(inputs)."""
    return globals()["Maximum"](**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Keras's functional merge: Minimum()(inputs)."""
    return globals()["Minimum"](**kwargs)(inputs)


def serialize(layer):
    """Keras's serialized dict of a layer."""
    return layer._keras_config()


def deserialize(config):
    """A layer from Keras's serialized dict."""
    return _merezha.layer_from_config(config)


__all__ += ["add", "concatenate", "multiply", "average", "subtract", "maximum", "minimum",
            "serialize", "deserialize"]
