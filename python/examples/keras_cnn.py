"""A Keras CNN on generated 12x12 images (horizontal vs vertical bars in noise): Conv2D,
MaxPooling2D, Flatten, Dense; categorical cross-entropy on one-hot labels, SGD with momentum.

Runs with merezha as written; change the import line to `import keras` and it runs with
Keras 3 unchanged (tools/golden/keras_programs.py does that to make the parity files).
"""
import numpy as np

import merezha as keras

FIT = {"epochs": 4, "batch_size": 16, "shuffle": False}


def make_data(n=128, size=12, seed=3):
    """Float32 images (n, size, size, 1) and one-hot labels (n, 2)."""
    rng = np.random.RandomState(seed)
    y = rng.randint(0, 2, size=n)
    x = rng.normal(0.0, 0.3, size=(n, size, size, 1))
    for i in range(n):
        k = rng.randint(1, size - 1)
        if y[i] == 0:
            x[i, k, :, 0] += 1.0
        else:
            x[i, :, k, 0] += 1.0
    return x.astype("float32"), keras.utils.to_categorical(y, 2).astype("float32")


def build_model():
    """Conv2D(6, 3) -> MaxPooling2D -> Conv2D(8, 3) -> Flatten -> Dense(2, softmax)."""
    return keras.Sequential([
        keras.Input(shape=(12, 12, 1)),
        keras.layers.Conv2D(6, 3, activation="relu"),
        keras.layers.MaxPooling2D(pool_size=2),
        keras.layers.Conv2D(8, (3, 3), padding="same", activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(2, activation="softmax"),
    ])


def compile_model(model):
    """SGD with momentum, categorical cross-entropy, accuracy."""
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                  loss="categorical_crossentropy", metrics=["accuracy"])


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
