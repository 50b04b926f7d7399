"""What the Keras golden-file generators share (keras_files.py, keras_legacy_h5.py): saving a
trained model with its inputs and predictions, the four standard models (MLP, CNN, LSTM, two
inputs), and --check-merezha (Keras loads files merezha wrote and predicts on their inputs).
Import after setting KERAS_BACKEND; the importing script picks the output folder and format.
"""
import os

import numpy as np
import keras
from keras import layers


def make_saver(out, ext):
    """save(name, model, xs, y_train, loss, optimizer): compile, train one epoch, save as
    <out>/<name><ext> with <name>_x.npy (or _x0/_x1), _y.npy, _ytrain.npy and _ynext.npy."""

    def save(name, model, xs, y_train, loss, optimizer):
        model.compile(optimizer=optimizer, loss=loss)
        model.fit(xs if len(xs) > 1 else xs[0], y_train, batch_size=4, epochs=1, verbose=0,
                  shuffle=False)
        pred = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        model.save(os.path.join(out, name + ext))
        if len(xs) == 1:
            np.save(os.path.join(out, name + "_x.npy"), xs[0].astype(np.float32))
        else:
            for i, x in enumerate(xs):
                np.save(os.path.join(out, f"{name}_x{i}.npy"), x.astype(np.float32))
        np.save(os.path.join(out, name + "_y.npy"), np.asarray(pred, np.float32))
        np.save(os.path.join(out, name + "_ytrain.npy"), np.asarray(y_train, np.float32))
        # One more step after saving: a loaded model that continues exactly predicts this next.
        model.train_on_batch(xs if len(xs) > 1 else xs[0], y_train)
        nxt = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        np.save(os.path.join(out, name + "_ynext.npy"), np.asarray(nxt, np.float32))

    return save


def save_standard_models(save, rng, two_input_name):
    """Builds, trains and saves "mlp", "cnn", "lstm" and the two-input model (`two_input_name`),
    drawing their data from `rng` in that order."""
    # Sequential MLP, Adam.
    x = rng.standard_normal((8, 6)).astype(np.float32)
    y = rng.standard_normal((8, 3)).astype(np.float32)
    mlp = keras.Sequential([keras.Input((6,)), layers.Dense(5, activation="relu"),
                            layers.Dense(3)])
    save("mlp", mlp, [x], y, "mse", keras.optimizers.Adam(1e-2))

    # Small CNN: Conv2D, BatchNormalization, MaxPooling2D, Flatten, Dense; SGD with momentum.
    x = rng.standard_normal((8, 6, 6, 2)).astype(np.float32)
    y = rng.integers(0, 3, size=(8,)).astype(np.float32)
    cnn = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(3, 3, padding="same"),
                            layers.BatchNormalization(), layers.Activation("relu"),
                            layers.MaxPooling2D(2), layers.Flatten(),
                            layers.Dense(3, activation="softmax")])
    save("cnn", cnn, [x], y, "sparse_categorical_crossentropy",
         keras.optimizers.SGD(0.05, momentum=0.9))

    # Functional LSTM regressor, RMSprop.
    x = rng.standard_normal((8, 5, 3)).astype(np.float32)
    y = rng.standard_normal((8, 1)).astype(np.float32)
    inp = keras.Input((5, 3))
    h = layers.LSTM(4)(inp)
    out = layers.Dense(1)(h)
    lstm = keras.Model(inp, out)
    save("lstm", lstm, [x], y, "mse", keras.optimizers.RMSprop(1e-2))

    # Two-input functional model: two Dense branches, Concatenate, Dense; Adam.
    x0 = rng.standard_normal((8, 4)).astype(np.float32)
    x1 = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.standard_normal((8, 2)).astype(np.float32)
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    ha = layers.Dense(5, activation="tanh", name="branch_a")(a)
    hb = layers.Dense(5, activation="relu", name="branch_b")(b)
    m = layers.Concatenate()([ha, hb])
    out = layers.Dense(2, name="head")(m)
    two = keras.Model([a, b], out)
    save(two_input_name, two, [x0, x1], y, "mse", keras.optimizers.Adam(1e-2))


def check_merezha(paths, ext):
    """Loads each merezha-written file (ending in `ext`) in Keras, predicts on FILE_x.npy (or
    _x0/_x1) and prints the max relative difference from FILE_y.npy; returns the worst."""
    worst = 0.0
    for p in paths:
        model = keras.saving.load_model(p)
        stem = p[: -len(ext)]
        if os.path.exists(stem + "_x0.npy"):
            x = [np.load(stem + "_x0.npy"), np.load(stem + "_x1.npy")]
        else:
            x = np.load(stem + "_x.npy")
        want = np.load(stem + "_y.npy")
        got = model.predict(x, verbose=0)
        err = float(np.max(np.abs(got - want) / (1e-6 + np.abs(want))))
        worst = max(worst, err)
        print(f"{p}: Keras {keras.__version__} loads it; max rel diff vs merezha {err:.3g}")
    return worst
