"""Golden .keras files written by real Keras 3 (tests/golden/keras_files/).

Each model is compiled, trained for a few steps (so the optimizer state is not empty), saved as
<name>.keras, and stored with an input (<name>_x.npy, or _x0/_x1 for two inputs), Keras's
prediction on it (<name>_y.npy), the training targets (<name>_ytrain.npy) and the prediction
after one more train_on_batch(x, ytrain) (<name>_ynext.npy), which checks the optimizer state. Run with the venv that has keras + jax:
    /work/venvs/keras/bin/python tools/golden/keras_files.py [--check-merezha FILE.keras ...]
--check-merezha loads .keras files written by merezha in Keras and prints their predictions on
the stored inputs next to merezha's (FILE_x.npy / FILE_y.npy beside each file).
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "keras_files")


def save(name, model, xs, y_train, loss, optimizer):
    model.compile(optimizer=optimizer, loss=loss)
    model.fit(xs if len(xs) > 1 else xs[0], y_train, batch_size=4, epochs=1, verbose=0,
              shuffle=False)
    pred = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    model.save(os.path.join(OUT, name + ".keras"))
    if len(xs) == 1:
        np.save(os.path.join(OUT, name + "_x.npy"), xs[0].astype(np.float32))
    else:
        for i, x in enumerate(xs):
            np.save(os.path.join(OUT, f"{name}_x{i}.npy"), x.astype(np.float32))
    np.save(os.path.join(OUT, name + "_y.npy"), np.asarray(pred, np.float32))
    np.save(os.path.join(OUT, name + "_ytrain.npy"), np.asarray(y_train, np.float32))
    # One more step after saving: a loaded model that continues exactly predicts this next.
    model.train_on_batch(xs if len(xs) > 1 else xs[0], y_train)
    nxt = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    np.save(os.path.join(OUT, name + "_ynext.npy"), np.asarray(nxt, np.float32))


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)

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
    save("two_input", two, [x0, x1], y, "mse", keras.optimizers.Adam(1e-2))


def check_merezha(paths):
    worst = 0.0
    for p in paths:
        model = keras.saving.load_model(p)
        stem = p[: -len(".keras")]
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


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--check-merezha":
        sys.exit(0 if check_merezha(sys.argv[2:]) <= 1e-5 else 1)
    main()
