"""A Keras functional model with two inputs: each input through its own Dense layer, the two
concatenated, one regression output; mean squared error, RMSprop, mean absolute error.

Runs with merezha as written; change the import line to `import keras` and it runs with
Keras 3 unchanged (tools/golden/keras_programs.py does that to make the parity files).
"""
import numpy as np

import merezha as keras

FIT = {"epochs": 5, "batch_size": 32, "shuffle": False}


def make_data(n=200, seed=11):
    """Two float32 inputs (n, 6) and (n, 4) and a float32 target (n, 1)."""
    rng = np.random.RandomState(seed)
    a = rng.uniform(-1.0, 1.0, size=(n, 6))
    b = rng.uniform(-1.0, 1.0, size=(n, 4))
    target = np.sin(a[:, :1] * 2.0) + a[:, 1:2] * b[:, :1] - 0.5 * b[:, 2:3] ** 2
    return [a.astype("float32"), b.astype("float32")], target.astype("float32")


def build_model():
    """Inputs a (6,) and b (4,) -> Dense(8, tanh) each -> concatenate -> Dense(1)."""
    a = keras.Input(shape=(6,), name="a")
    b = keras.Input(shape=(4,), name="b")
    ha = keras.layers.Dense(8, activation="tanh", name="branch_a")(a)
    hb = keras.layers.Dense(8, activation="tanh", name="branch_b")(b)
    merged = keras.layers.Concatenate(name="merge")([ha, hb])
    hidden = keras.layers.Dense(8, activation="relu", name="hidden")(merged)
    out = keras.layers.Dense(1, name="out")(hidden)
    return keras.Model(inputs=[a, b], outputs=out, name="two_input")


def compile_model(model):
    """RMSprop, mean squared error, mean absolute error."""
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), loss="mse",
                  metrics=["mae"])


def main():
    keras.utils.set_random_seed(1)
    x, y = make_data()
    model = build_model()
    compile_model(model)
    model.summary()
    history = model.fit(x, y, verbose=2, **FIT)
    loss, mae = model.evaluate(x, y, verbose=0)
    print(f"epochs: {len(history.history['loss'])}, loss {loss:.4f}, mae {mae:.4f}")


if __name__ == "__main__":
    main()
