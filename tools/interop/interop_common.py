"""What the interop checks share (tools/interop/check_*.py, run by tests/interop): skipping when
a package is missing, the topologies mz_interop_write saves, its numbered .npy files, and the
comparison with merezha's outputs."""
import importlib
import os
import sys

# Exit status that ctest reports as skipped (SKIP_RETURN_CODE in tests/interop/CMakeLists.txt).
SKIP = 77
# The topologies of mz_interop_write, in the order it writes them.
MODELS = ["mlp", "cnn", "lstm", "gru", "two_branch", "multi_head", "inception"]
RTOL, ATOL = 1e-5, 1e-6


def need(*names):
    """The modules, imported; exits with SKIP naming the first that does not import."""
    mods = []
    for name in names:
        try:
            mods.append(importlib.import_module(name))
        except Exception as e:  # an incomplete venv: skip, saying what is missing
            print(f"interop: skipped: cannot import {name} ({type(e).__name__}: {e}); "
                  "install tools/interop/requirements.txt into build/interopenv")
            sys.exit(SKIP)
    return mods


def files_dir():
    """The folder mz_interop_write filled (the first argument)."""
    if len(sys.argv) != 2:
        sys.exit(f"usage: {os.path.basename(sys.argv[0])} DIR (written by mz_interop_write DIR)")
    return sys.argv[1]


def numbered(np, stem):
    """The arrays <stem>0.npy, <stem>1.npy, ... (at least one)."""
    out = []
    while os.path.exists(f"{stem}{len(out)}.npy"):
        out.append(np.load(f"{stem}{len(out)}.npy"))
    if not out:
        raise FileNotFoundError(f"{stem}0.npy: run mz_interop_write first")
    return out


def keras_inputs(xs):
    """The inputs as Keras's predict takes them: the list for several, else the one array
    (mz_interop_write gives single-input models one tensor, not a list of one)."""
    return xs if len(xs) > 1 else xs[0]


def compare(np, what, got, want):
    """Checks each output against merezha's (rtol 1e-5, atol 1e-6); returns the worst relative
    difference, raising AssertionError naming `what` on a mismatch."""
    got = got if isinstance(got, (list, tuple)) else [got]
    if len(got) != len(want):
        raise AssertionError(f"{what}: {len(got)} outputs, merezha has {len(want)}")
    worst = 0.0
    for i, (g, w) in enumerate(zip(got, want)):
        g = np.asarray(g)
        if g.shape != w.shape:
            raise AssertionError(f"{what} output {i}: shape {g.shape}, merezha's is {w.shape}")
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL, err_msg=f"{what} output {i}")
        rel = np.abs(g.astype(np.float64) - w) / (np.abs(w) + ATOL / RTOL)
        worst = max(worst, float(rel.max()) if rel.size else 0.0)
    return worst
