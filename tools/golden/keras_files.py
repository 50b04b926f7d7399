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

from keras_models import check_merezha, make_saver, save_standard_models  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "keras_files")
save = make_saver(OUT, ".keras")


def main():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)

    save_standard_models(save, rng, "two_input")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--check-merezha":
        sys.exit(0 if check_merezha(sys.argv[2:], ".keras") <= 1e-5 else 1)
    main()
