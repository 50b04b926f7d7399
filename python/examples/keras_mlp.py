"""A Keras MLP on generated data (three Gaussian classes in 20 dimensions): Sequential of
Dense layers, sparse categorical cross-entropy, Adam, accuracy.

Runs with merezha as written; change the import line to `import keras` and it runs with
Keras 3 unchanged (tools/golden/keras_programs.py does that to make the parity files).
"""
import numpy as np

import merezha as keras

FIT = {"epochs": 5, "batch_size": 32, "shuffle": False}


def make_data(n=256, features=20, classes=3, seed=7):
    """Float32 features and int64 labels: one Gaussian cloud per class."""
    rng = np.random.RandomState(seed)
    centres = rng.normal(0.0, 1.0, size=(classes, features))
    y = rng.randint(0, classes, size=n)
    x = centres[y] + rng.normal(0.0, 1.5, size=(n, features))
    return x.astype("float32"), y.astype("int64")


def build_model():
    """784-style MLP, scaled down: 20 -> 32 -> 16 -> 3."""
    return keras.Sequential([
        keras.Input(shape=(20,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])


def compile_model(model):
    """Adam, sparse categorical cross-entropy, accuracy."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def main():
    keras.utils.set_random_seed(1)
    x, y = make_data()
    model = build_model()
    compile_model(model)
    model.summary()
    history = model.fit(x, y, verbose=2, **FIT)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    print(f"epochs: {len(history.history['loss'])}, loss {loss:.4f}, accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
