"""Keras 3 reads merezha's .weights.h5: each topology rebuilt from its config.json (fresh random
weights), then model.load_weights(<name>.weights.h5), predicts merezha's outputs to rtol 1e-5,
atol 1e-6.  Usage: KERAS_BACKEND=jax python check_keras_weights.py DIR"""
import os
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")
from interop_common import MODELS, compare, files_dir, keras_inputs, need, numbered  # noqa: E402


def main():
    directory = os.path.join(files_dir(), "models")
    np, keras = need("numpy", "keras")
    for name in MODELS:
        stem = os.path.join(directory, name)
        with zipfile.ZipFile(stem + ".keras") as z:
            config = z.read("config.json").decode()
        model = keras.models.model_from_json(config)
        xs, want = numbered(np, stem + "_x"), numbered(np, stem + "_y")
        model.load_weights(stem + ".weights.h5")
        got = model.predict(keras_inputs(xs), verbose=0)
        worst = compare(np, f"{name}.weights.h5", got, want)
        print(f"{name}.weights.h5: Keras {keras.__version__} load_weights into the rebuilt "
              f"architecture ({len(model.weights)} variables); max rel diff {worst:.2g}")
    print(f"keras_weights: all {len(MODELS)} models ok")


if __name__ == "__main__":
    sys.exit(main())
