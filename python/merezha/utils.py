"""Keras's utilities (set_random_seed, to_categorical, clear_session) and merezha's thread
count (set_num_threads, num_threads)."""
import numpy as np

from merezha import _merezha


def set_random_seed(seed):
    """Seeds merezha's default generator (initializers, dropout, shuffling) and NumPy's."""
    np.random.seed(seed)
    _merezha.set_random_seed(int(seed))


def to_categorical(x, num_classes=None):
    """One-hot float32 rows for integer class labels (Keras's to_categorical)."""
    x = np.asarray(x, dtype="int64")
    if num_classes is None:
        num_classes = int(x.max()) + 1
    out = np.zeros(x.shape + (num_classes,), dtype="float32")
    np.put_along_axis(out, x[..., None], 1.0, axis=-1)
    return out


clear_session = _merezha.clear_session
set_num_threads = _merezha.set_num_threads
num_threads = _merezha.num_threads
