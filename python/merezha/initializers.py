"""Keras's initializers (``merezha.initializers.GlorotUniform(seed=1)``, ...): objects
carrying a class name and config, read by the C++ core when a layer is made. Layers also take
the names ("glorot_uniform", "zeros", ...)."""
from merezha._objects import KerasObject, make_class

_M = "keras.initializers"
_SPECS = {
    "Zeros": [], "Ones": [],
    "Constant": [("value", 0.0)],
    "RandomNormal": [("mean", 0.0), ("stddev", 0.05), ("seed", None)],
    "RandomUniform": [("minval", -0.05), ("maxval", 0.05), ("seed", None)],
    "TruncatedNormal": [("mean", 0.0), ("stddev", 0.05), ("seed", None)],
    "GlorotUniform": [("seed", None)], "GlorotNormal": [("seed", None)],
    "HeUniform": [("seed", None)], "HeNormal": [("seed", None)],
    "LecunUniform": [("seed", None)], "LecunNormal": [("seed", None)],
    "Orthogonal": [("gain", 1.0), ("seed", None)],
    "Identity": [("gain", 1.0)],
    "VarianceScaling": [("scale", 1.0), ("mode", "fan_in"), ("distribution", "truncated_normal"),
                        ("seed", None)],
}
Initializer = KerasObject
for _name, _params in _SPECS.items():
    globals()[_name] = make_class(_M, _name, _params, f"Keras's initializers.{_name}.")
# Keras's lower-case aliases.
zeros, ones, constant = Zeros, Ones, Constant  # noqa: F821
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal  # noqa: F821
he_uniform, he_normal = HeUniform, HeNormal  # noqa: F821
lecun_uniform, lecun_normal = LecunUniform, LecunNormal  # noqa: F821
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, \
    TruncatedNormal  # noqa: F821
orthogonal, identity = Orthogonal, Identity  # noqa: F821
IdentityInitializer = Identity  # noqa: F821
del _name, _params


def get(identifier):
    """An initializer from a name, a config dict or an initializer (returned as is)."""
    if identifier is None or isinstance(identifier, (str, KerasObject)):
        return identifier
    if isinstance(identifier, dict):
        return globals()[identifier["class_name"]](**identifier.get("config", {}))
    raise ValueError(f"initializers.get: expected a name, a config or an initializer, "
                     f"got {type(identifier).__name__}.")


__all__ = list(_SPECS) + ["Initializer", "IdentityInitializer", "get", "zeros", "ones",
                          "constant", "glorot_uniform", "glorot_normal", "he_uniform",
                          "he_normal", "lecun_uniform", "lecun_normal", "random_normal",
                          "random_uniform", "truncated_normal", "orthogonal", "identity"]
