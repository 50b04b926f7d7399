"""Golden legacy .h5 model files written by real Keras 3 (tests/golden/keras_legacy_h5/).

Keras 3's model.save("m.h5") writes the legacy Keras 2 layout (formats.md A1.5): root
attributes model_config / training_config (JSON), group model_weights with per-layer
weight_names. Each model is compiled, trained a few steps, saved as <name>.h5, and stored with
an input (<name>_x.npy, or _x0/_x1 for two inputs), Keras's prediction (<name>_y.npy), the
training targets (<name>_ytrain.npy) and the prediction after one more train_on_batch
(<name>_ynext.npy, which checks the optimizer state). keras2_mlp.h5 / keras2_two_branch.h5 are
written with h5py in tf.keras 2's layout (Keras 2 config schema, fixed-length byte-string
attributes, "dense/kernel:0" weight names, keras_version 2.4.0) from Keras 3 models' weights;
unsupported.h5 names a layer class merezha does not have. Run with the venv that has keras + jax:
    KERAS_BACKEND=jax /work/venvs/keras/bin/python tools/golden/keras_legacy_h5.py
    ... tools/golden/keras_legacy_h5.py --check-merezha FILE.h5 ...
--check-merezha loads .h5 files written by merezha in Keras and compares their predictions on
FILE_x.npy with FILE_y.npy beside each file.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

from keras_models import check_merezha, make_saver, save_standard_models  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "keras_legacy_h5")
save = make_saver(OUT, ".h5")


def init(name):
    return {"class_name": name, "config": {"seed": None} if name == "GlorotUniform" else {}}


def dense2(name, units, activation, extra=None):
    """A Dense layer entry in tf.keras 2's config schema."""
    config = {"name": name, "trainable": True, "dtype": "float32", "units": units,
              "activation": activation, "use_bias": True,
              "kernel_initializer": init("GlorotUniform"), "bias_initializer": init("Zeros"),
              "kernel_regularizer": None, "bias_regularizer": None,
              "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    config.update(extra or {})
    return {"class_name": "Dense", "config": config}


def write_keras2(name, model_config, layers_with_weights, layer_names, x_list, pred):
    """An .h5 file as tf.keras 2.4 wrote it: byte-string attributes, weights at
    model_weights/<layer>/<layer>/<weight>:0."""
    import h5py
    import json
    with h5py.File(os.path.join(OUT, name + ".h5"), "w") as f:
        f.attrs["keras_version"] = np.bytes_("2.4.0")
        f.attrs["backend"] = np.bytes_("tensorflow")
        f.attrs["model_config"] = np.bytes_(json.dumps(model_config))
        f.attrs["training_config"] = np.bytes_(json.dumps({
            "loss": "mse", "metrics": None, "weighted_metrics": None, "loss_weights": None,
            "optimizer_config": {"class_name": "Adam", "config": {
                "name": "Adam", "learning_rate": 0.001, "decay": 0.0, "beta_1": 0.9,
                "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False}}}))
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([n.encode() for n in layer_names])
        g.attrs["backend"] = np.bytes_("tensorflow")
        g.attrs["keras_version"] = np.bytes_("2.4.0")
        for n in layer_names:
            lg = g.create_group(n)
            layer = layers_with_weights.get(n)
            if layer is None:
                lg.attrs["weight_names"] = np.array([], dtype="S1")
                continue
            wnames = [f"{n}/kernel:0", f"{n}/bias:0"]
            lg.attrs["weight_names"] = np.array([w.encode() for w in wnames])
            for w, v in zip(wnames, layer.get_weights()):
                lg.create_dataset(w, data=v)
    for i, x in enumerate(x_list):
        suffix = "_x" if len(x_list) == 1 else f"_x{i}"
        np.save(os.path.join(OUT, name + suffix + ".npy"), x.astype(np.float32))
    np.save(os.path.join(OUT, name + "_y.npy"), np.asarray(pred, np.float32))


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(11)
    rng = np.random.default_rng(11)

    save_standard_models(save, rng, "two_branch")

    # tf.keras 2 layout: a Sequential MLP whose first layer carries batch_input_shape.
    x = rng.standard_normal((8, 6)).astype(np.float32)
    mlp2 = keras.Sequential([keras.Input((6,)), layers.Dense(4, activation="tanh", name="dense"),
                             layers.Dense(2, name="dense_1")])
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        dense2("dense", 4, "tanh", {"batch_input_shape": [None, 6]}),
        dense2("dense_1", 2, "linear")]}}
    write_keras2("keras2_mlp", config, {"dense": mlp2.layers[0], "dense_1": mlp2.layers[1]},
                 ["dense", "dense_1"], [x], mlp2.predict(x, verbose=0))

    # tf.keras 2 layout: class "Model", inbound_nodes as [[[name, node, tensor, kwargs]]].
    x0 = rng.standard_normal((8, 4)).astype(np.float32)
    x1 = rng.standard_normal((8, 3)).astype(np.float32)
    a = keras.Input((4,), name="in_a")
    b = keras.Input((3,), name="in_b")
    da = layers.Dense(3, activation="relu", name="dense_a")
    db = layers.Dense(3, activation="sigmoid", name="dense_b")
    head = layers.Dense(2, name="head")
    out = head(layers.Concatenate(name="concatenate")([da(a), db(b)]))
    two2 = keras.Model([a, b], out)

    def input2(name, n):
        return {"class_name": "InputLayer", "name": name, "inbound_nodes": [], "config": {
            "batch_input_shape": [None, n], "dtype": "float32", "sparse": False,
            "ragged": False, "name": name}}

    def node(*names):
        return [[[n, 0, 0, {}] for n in names]]

    entries = [input2("in_a", 4), input2("in_b", 3)]
    for layer, src in [(dense2("dense_a", 3, "relu"), "in_a"),
                       (dense2("dense_b", 3, "sigmoid"), "in_b")]:
        layer.update({"name": layer["config"]["name"], "inbound_nodes": node(src)})
        entries.append(layer)
    entries.append({"class_name": "Concatenate", "name": "concatenate",
                    "config": {"name": "concatenate", "trainable": True, "dtype": "float32",
                               "axis": -1},
                    "inbound_nodes": node("dense_a", "dense_b")})
    h = dense2("head", 2, "linear")
    h.update({"name": "head", "inbound_nodes": node("concatenate")})
    entries.append(h)
    config = {"class_name": "Model", "config": {
        "name": "model", "layers": entries, "input_layers": [["in_a", 0, 0], ["in_b", 0, 0]],
        "output_layers": [["head", 0, 0]]}}
    write_keras2("keras2_two_branch", config,
                 {"dense_a": da, "dense_b": db, "head": head},
                 ["in_a", "in_b", "dense_a", "dense_b", "concatenate", "head"], [x0, x1],
                 two2.predict([x0, x1], verbose=0))

    # A layer class merezha does not have (the loader must name it).
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        dense2("dense", 4, "tanh", {"batch_input_shape": [None, 6]}),
        {"class_name": "FancyCapsule", "config": {"name": "capsule", "routings": 3}}]}}
    write_keras2("unsupported", config, {"dense": mlp2.layers[0]}, ["dense", "capsule"],
                 [x], mlp2.predict(x, verbose=0))
    for suffix in ["_x.npy", "_y.npy"]:
        os.remove(os.path.join(OUT, "unsupported" + suffix))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--check-merezha":
        sys.exit(0 if check_merezha(sys.argv[2:], ".h5") <= 1e-5 else 1)
    main()
