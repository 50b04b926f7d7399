"""Keras 3 reads merezha: every .keras archive of mz_interop_write loads with
keras.saving.load_model (compiled, with its optimizer state) and predicts merezha's outputs to
rtol 1e-5, atol 1e-6.  Usage: KERAS_BACKEND=jax python check_keras.py DIR"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
from interop_common import MODELS, compare, files_dir, keras_inputs, need, numbered  # noqa: E402


def main():
    directory = os.path.join(files_dir(), "models")
    np, keras = need("numpy", "keras")
    for name in MODELS:
        stem = os.path.join(directory, name)
        model = keras.saving.load_model(stem + ".keras")
        xs, want = numbered(np, stem + "_x"), numbered(np, stem + "_y")
        got = model.predict(keras_inputs(xs), verbose=0)
        worst = compare(np, f"{name}.keras", got, want)
        steps = int(model.optimizer.iterations.numpy()) if model.optimizer else 0
        print(f"{name}.keras: Keras {keras.__version__} ({keras.backend.backend()}) loads it "
              f"({len(model.layers)} layers, optimizer {type(model.optimizer).__name__} at "
              f"step {steps}); max rel diff {worst:.2g}")
        if steps == 0:
            raise AssertionError(f"{name}.keras: the optimizer state did not load (iterations 0)")
    print(f"keras: all {len(MODELS)} models ok")


if __name__ == "__main__":
    sys.exit(main())
