"""Keras's saving API (``keras.saving``): ``register_keras_serializable``, custom object scopes,
``get_custom_objects``, ``save_model`` and ``load_model(filepath, custom_objects=...)``.

Layers defined in Python are found here when a config names a class the C++ registry lacks:
first in the ``custom_objects`` of the ``load_model`` / ``custom_object_scope`` in force, then
among the registered classes (by ``"package>Name"`` or by ``Name``).
"""
import threading

from merezha import _merezha

_GLOBAL_CUSTOM_OBJECTS = {}
_LOCAL = threading.local()


def _scopes():
    if not hasattr(_LOCAL, "scopes"):
        _LOCAL.scopes = []
    return _LOCAL.scopes


def register_keras_serializable(package="Custom", name=None):
    """Decorator: registers a class or function under ``"package>name"`` (name defaults to
    its ``__name__``), so saved models that use it load without ``custom_objects``."""
    if "|" in str(package):
        raise ValueError(f'register_keras_serializable: package: expected no "|", '
                         f'got "{package}".')

    def decorator(obj):
        registered = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"register_keras_serializable: {obj.__name__}: expected a class "
                             f"with get_config(), got one without.")
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        try:
            obj._registered_name = registered
        except (AttributeError, TypeError):
            pass
        return obj

    return decorator


def get_registered_name(obj):
    """The name ``obj`` was registered under, or its ``__name__``."""
    return getattr(obj, "_registered_name", None) or getattr(obj, "__name__", str(obj))


def get_custom_objects():
    """The global dict of registered objects (``"package>Name"`` -> object); adding to it
    registers an object as well."""
    return _GLOBAL_CUSTOM_OBJECTS


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered or in scope under ``name`` (``"package>Name"`` or ``Name``),
    or None."""
    for table in ([custom_objects or {}] + list(reversed(_scopes())) +
                  [_GLOBAL_CUSTOM_OBJECTS, module_objects or {}]):
        if name in table:
            return table[name]
    short = name.split(">")[-1]
    for registered, obj in _GLOBAL_CUSTOM_OBJECTS.items():
        if registered.split(">")[-1] == short:
            return obj
    return None


class CustomObjectScope:
    """``with custom_object_scope({"MyLayer": MyLayer}):`` makes the objects visible to
    deserialization (load_model, model_from_json, layer configs) inside the block."""

    def __init__(self, custom_objects=None):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise ValueError(f"custom_object_scope: expected a dict of custom objects, got "
                             f"{type(custom_objects).__name__}.")
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scopes().pop()
        return False


custom_object_scope = CustomObjectScope


def _layer_from_config(serialized):
    """The Python layer a serialized config names, or None (called by the C++ registry for
    classes it lacks)."""
    class_name = serialized.get("class_name")
    registered = serialized.get("registered_name")
    cls = None
    if registered:
        cls = get_registered_object(registered)
    if cls is None and class_name:
        cls = get_registered_object(class_name)
    if cls is None and class_name == "Lambda":
        from merezha.layers import Lambda
        cls = Lambda
    if cls is None:
        return None
    config = serialized.get("config") or {}
    if hasattr(cls, "from_config"):
        return cls.from_config(config)
    return cls(**config)


def save_model(model, filepath, overwrite=True, **kwargs):
    """Saves a Keras 3 ``.keras`` archive (``model.save(filepath)``)."""
    model.save(filepath, **kwargs)


_WRAPPERS = ("LossFunctionWrapper", "MeanMetricWrapper", "function")


def _python_object(entry):
    """The Python function a compile_config entry names (a loss or metric wrapper of a
    function, or a registered name), or None."""
    if isinstance(entry, str):
        return get_registered_object(entry)
    if not isinstance(entry, dict) or entry.get("class_name") not in _WRAPPERS:
        return None
    config = entry.get("config")
    if isinstance(config, str):
        return get_registered_object(config)
    config = config or {}
    for key in ("fn", "name"):
        if isinstance(config.get(key), str):
            found = get_registered_object(config[key])
            if found is not None:
                return found
    return None


def _resolve(entry):
    """A compile_config entry with the Python functions it names put in."""
    if isinstance(entry, list):
        return [_resolve(item) for item in entry]
    if isinstance(entry, dict) and "class_name" not in entry:
        return {key: _resolve(value) for key, value in entry.items()}
    found = _python_object(entry)
    return entry if found is None else found


def _names_python_objects(entry):
    if isinstance(entry, list):
        return any(_names_python_objects(item) for item in entry)
    if isinstance(entry, dict) and "class_name" not in entry:
        return any(_names_python_objects(value) for value in entry.values())
    return _python_object(entry) is not None


def _unresolved(entry):
    """The names of the Python functions a compile_config entry wraps but no scope holds."""
    if isinstance(entry, list):
        return [name for item in entry for name in _unresolved(item)]
    if isinstance(entry, dict) and "class_name" not in entry:
        return [name for value in entry.values() for name in _unresolved(value)]
    if (isinstance(entry, dict) and entry.get("class_name") in _WRAPPERS and
            _python_object(entry) is None):
        config = entry.get("config")
        if isinstance(config, str):
            return [config]
        config = config or {}
        return [config.get("fn") or config.get("name") or entry["class_name"]]
    return []


def _compile_config(filepath):
    import json
    import zipfile
    try:
        with zipfile.ZipFile(filepath) as archive:
            return json.loads(archive.read("config.json")).get("compile_config")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model from a Keras 3 ``.keras`` archive; ``custom_objects`` maps the class names of
    Python layers and the names of Python losses and metrics to the objects (registered
    ones are found without it). A model compiled with Python losses or metrics is compiled
    again with them (its optimizer starts afresh, from the saved configuration)."""
    filepath = str(filepath)
    with CustomObjectScope(custom_objects):
        config = _compile_config(filepath) if compile else None
        if not config or not (_names_python_objects(config.get("loss")) or
                              _names_python_objects(config.get("metrics"))):
            try:
                return _merezha.load_model(filepath, compile=compile)
            except ValueError as error:
                missing = (_unresolved(config.get("loss")) + _unresolved(config.get("metrics"))
                           if config else [])
                if not missing:
                    raise
                raise ValueError(f'load_model "{filepath}": compile_config: expected the '
                                 f'Python functions {missing} in custom_objects or registered '
                                 f'with register_keras_serializable (or compile=False), got '
                                 f'none.') from error
        model = _merezha.load_model(filepath, compile=False)
        model.compile(optimizer=config.get("optimizer") or "rmsprop",
                      loss=_resolve(config.get("loss")),
                      loss_weights=config.get("loss_weights"),
                      metrics=_resolve(config.get("metrics")))
        return model


__all__ = ["register_keras_serializable", "get_registered_name", "get_registered_object",
           "get_custom_objects", "CustomObjectScope", "custom_object_scope", "save_model",
           "load_model"]
