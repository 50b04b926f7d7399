"""The neurolab-style example scripts of python/examples/neurolab: each runs with
merezha.neurolab and prints what real neurolab 0.3.5 prints (expected/*.txt, written by
run_with_neurolab.py --write), and, where a neurolab venv exists, what it prints live.

Numbers are compared with a tolerance (summation order differs in the last bits);
newff_sine trains with train_bfgs, whose line search neurolab takes from scipy and merezha
reimplements: its numbers agree to a few percent, not to the last digit (spec §15.2).
"""
import glob
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from nl_support import neurolab_python

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "neurolab"))
NAMES = sorted(os.path.splitext(os.path.basename(p))[0]
               for p in glob.glob(os.path.join(EXAMPLES, "*.py")))
# (rtol, atol) per example; the rest use DEFAULT_TOL.
DEFAULT_TOL = (1e-6, 1e-9)
TOL = {"newff_sine": (0.05, 0.02)}
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def split(text):
    """(the text between numbers with whitespace removed, the numbers)."""
    numbers = [float(m) for m in NUMBER.findall(text)]
    words = ["".join(part.split()) for part in NUMBER.split(text)]
    return words, numbers


def assert_same_output(actual, expected, tol):
    aw, an = split(actual)
    ew, en = split(expected)
    assert aw == ew, "the text differs:\n--- merezha\n%s\n--- neurolab\n%s" % (actual, expected)
    np.testing.assert_allclose(an, en, rtol=tol[0], atol=tol[1])


def run_merezha(name):
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", "")
    out = subprocess.run([sys.executable, os.path.join(EXAMPLES, name + ".py")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_every_example_has_an_expected_output():
    assert len(NAMES) >= 7
    for name in NAMES:
        assert os.path.exists(os.path.join(HERE, "expected", name + ".txt")), name


@pytest.mark.parametrize("name", NAMES)
def test_example_prints_what_neurolab_printed(name):
    with open(os.path.join(HERE, "expected", name + ".txt")) as f:
        expected = f.read()
    assert_same_output(run_merezha(name), expected, TOL.get(name, DEFAULT_TOL))


@pytest.mark.skipif(neurolab_python() is None,
                    reason="no neurolab venv (neurolab 0.3.5 needs NumPy < 2; set "
                           "NEUROLAB_PYTHON to a venv's python that imports it)")
@pytest.mark.parametrize("name", NAMES)
def test_example_prints_what_neurolab_prints_live(name):
    live = subprocess.run([neurolab_python(), os.path.join(HERE, "run_with_neurolab.py"),
                           os.path.join(EXAMPLES, name + ".py")],
                          capture_output=True, text=True, timeout=300)
    if live.returncode != 0:
        pytest.skip("neurolab could not run here: " + live.stderr.strip().splitlines()[-1])
    assert_same_output(run_merezha(name), live.stdout, TOL.get(name, DEFAULT_TOL))
