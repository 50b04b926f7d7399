"""The Python side of Keras objects that live in configs (initializers, regularizers,
constraints, learning-rate schedules): a class name and a config dict, serialized in Keras's
envelope for the C++ core.
"""
from merezha._serialize import envelope


class KerasObject:
    """A Keras object described by its class name and config (get_config())."""

    _module = "keras"

    def __init__(self, **config):
        self._config = config

    def get_config(self):
        """Keras's config dict."""
        return dict(self._config)

    @classmethod
    def from_config(cls, config):
        """The object with this config."""
        return cls(**config)

    def _keras_config(self):
        return envelope(self._module, type(self).__name__, self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._config.items())
        return f"{type(self).__name__}({args})"


def make_class(module, class_name, params, doc):
    """A KerasObject subclass taking `params` (name, default) positionally or by name."""
    def __init__(self, *args, **kwargs):
        if len(args) > len(params):
            raise TypeError(f"{class_name}() takes at most {len(params)} positional arguments, "
                            f"got {len(args)}")
        config = {name: default for name, default in params}
        for (name, _), value in zip(params, args):
            config[name] = value
        for key, value in kwargs.items():
            if key not in config:
                raise TypeError(f"{class_name}() got an unexpected keyword argument '{key}'")
            config[key] = value
        KerasObject.__init__(self, **config)

    return type(class_name, (KerasObject,), {"__init__": __init__, "_module": module,
                                             "__doc__": doc, "_params": list(params)})
