"""Golden files for the Keras-parity tests of the Python package: runs the three programs of
python/examples (keras_mlp.py, keras_cnn.py, keras_two_input.py) with Keras 3 (their
`import merezha as keras` line replaced by `import keras`) and saves, per program, in
tests/golden/keras_programs/:
  <name>.npz   the initial weights (w0, w1, ... in get_weights() order) and the predictions
               of the initial model on the first 32 samples (pred, or pred0, pred1, ...);
  <name>.json  the per-epoch history of fit(**FIT) from those weights (shuffle off), and the
               Keras and backend versions.
Run: KERAS_BACKEND=jax /work/venvs/keras/bin/python tools/golden/keras_programs.py
"""
import json
import os
import sys
import types

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROGRAMS = ["keras_mlp", "keras_cnn", "keras_two_input"]
IMPORT_LINE = "import merezha as keras"


def load_with_keras(name):
    """The program as a module, with `import keras` instead of merezha."""
    path = os.path.join(ROOT, "python", "examples", name + ".py")
    with open(path) as f:
        source = f.read()
    if IMPORT_LINE not in source:
        sys.exit(f"{path}: no line '{IMPORT_LINE}'")
    module = types.ModuleType(name)
    module.__file__ = path
    exec(compile(source.replace(IMPORT_LINE, "import keras"), path, "exec"), module.__dict__)
    return module


def first(x, n=32):
    return [a[:n] for a in x] if isinstance(x, list) else x[:n]


def main():
    out_dir = os.path.join(ROOT, "tests", "golden", "keras_programs")
    os.makedirs(out_dir, exist_ok=True)
    for name in PROGRAMS:
        program = load_with_keras(name)
        keras.utils.set_random_seed(1)
        x, y = program.make_data()
        model = program.build_model()
        weights = model.get_weights()
        pred = model.predict(first(x), verbose=0)
        arrays = {f"w{i}": w for i, w in enumerate(weights)}
        if isinstance(pred, list):
            arrays.update({f"pred{i}": p for i, p in enumerate(pred)})
        else:
            arrays["pred"] = pred
        np.savez_compressed(os.path.join(out_dir, name + ".npz"), **arrays)
        program.compile_model(model)
        history = model.fit(x, y, verbose=0, **program.FIT)
        record = {
            "program": f"python/examples/{name}.py",
            "keras": keras.__version__,
            "backend": keras.backend.backend(),
            "fit": program.FIT,
            "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        }
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write("\n")
        print(name, {k: [round(v, 5) for v in vs] for k, vs in record["history"].items()})


if __name__ == "__main__":
    main()
