"""W1 (/work/shared/BENCHMARKS.md) through the Python API: Fashion-MNIST, pixels/255,
784 -> Dense 256 relu -> Dense 128 relu -> Dense 10, SparseCategoricalCrossentropy(from_logits),
SGD lr 0.01 momentum 0.9, batch 64; one fit() per epoch, timed; prints samples/s per epoch
and the test accuracy, as `merezha-bench w1` does for the C++ API.

Env: FMNIST_DIR (default /usr/share/datasets/fashion-mnist), W1_EPOCHS (default 5),
BENCH_THREADS (default 1).
"""
import gzip
import os
import time

import numpy as np

import merezha as keras


def read_idx(path):
    """An IDX file (gzipped) as an ndarray."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory):
    """(x_train, y_train, x_test, y_test): float32 pixels / 255 (n, 784), int64 labels."""
    def part(kind):
        x = read_idx(os.path.join(directory, f"{kind}-images-idx3-ubyte.gz"))
        y = read_idx(os.path.join(directory, f"{kind}-labels-idx1-ubyte.gz"))
        return (x.reshape(len(x), -1).astype("float32") / 255.0), y.astype("int64")
    return (*part("train"), *part("t10k"))


def main():
    epochs = int(os.environ.get("W1_EPOCHS", "5"))
    keras.utils.set_num_threads(int(os.environ.get("BENCH_THREADS", "1")))
    x, y, x_test, y_test = load(os.environ.get("FMNIST_DIR",
                                               "/usr/share/datasets/fashion-mnist"))
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((784,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rates = []
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        history = model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        rates.append(len(x) / (time.perf_counter() - start))
        accuracy = float(np.mean(np.argmax(model.predict(x_test, batch_size=1000, verbose=0),
                                           axis=1) == y_test))
        print(f"W1 epoch {epoch}: {rates[-1]:.0f} samples/s, loss "
              f"{history.history['loss'][-1]:.4f}, test accuracy {accuracy:.4f}")
    print(f"W1 python: median {np.median(rates):.1f} samples/s over {epochs} epochs, "
          f"threads {keras.utils.num_threads()}")


if __name__ == "__main__":
    main()
