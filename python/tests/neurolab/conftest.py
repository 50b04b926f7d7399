"""Fixtures of the merezha.neurolab tests: the neurolab golden arrays (tests/golden/neurolab/
cases.txt, written by tools/golden/neurolab_golden.py from real neurolab 0.3.5)."""
import os

import numpy as np
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
GOLDEN_DIR = os.environ.get("MZ_GOLDEN_DIR", os.path.join(ROOT, "tests", "golden"))


def _load():
    arrays = {}
    with open(os.path.join(GOLDEN_DIR, "neurolab", "cases.txt")) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            key, rows, cols = parts[0], int(parts[1]), int(parts[2])
            vals = np.array([float(v) for v in parts[3:]], dtype=np.float64)
            arrays[key] = vals.reshape(rows, cols)
    return arrays


_GOLD = None


@pytest.fixture(scope="session")
def gold():
    """gold(key) -> the golden array (2-D, as written)."""
    global _GOLD
    if _GOLD is None:
        _GOLD = _load()
    return lambda key: _GOLD[key]
