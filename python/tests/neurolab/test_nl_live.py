"""Live parity with real neurolab 0.3.5 on the cases of live_cases.py (every constructor and
trainer from seeded starts). neurolab needs NumPy < 2, so it runs in its own venv
(NEUROLAB_PYTHON, default /work/venvs/neurolab/bin/python); without one these are skipped."""
import json
import os
import subprocess

import numpy as np
import pytest

import merezha.neurolab as nl
from live_cases import cases
from nl_support import neurolab_python

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def both():
    py = neurolab_python()
    if py is None:
        pytest.skip("no neurolab venv (neurolab 0.3.5 needs NumPy < 2; set NEUROLAB_PYTHON to "
                    "the python of a venv that imports it)")
    run = subprocess.run([py, os.path.join(HERE, "live_cases.py")], capture_output=True,
                         text=True, cwd=HERE, timeout=300)
    if run.returncode != 0:
        pytest.skip("neurolab could not run here: " + run.stderr.strip().splitlines()[-1])
    return cases(nl), json.loads(run.stdout)




def test_same_cases(both):
    ours, theirs = both
    assert sorted(ours) == sorted(theirs)


@pytest.mark.parametrize("key", ["newff_init_1", "newff_init_2", "gd", "gdm", "gda", "gdx",
                                 "rprop", "gd_adapt", "rprop_adapt", "gdx_adapt", "gd_MSE",
                                 "gd_MAE", "gd_SAE", "delta", "wta", "cwta", "lvq", "elm",
                                 "hop", "hem"])
def test_matches_neurolab(both, key):
    ours, theirs = both
    names = [k for k in theirs if k == key or k.startswith(key + ".")]
    assert names
    for k in names:
        assert len(ours[k]) == len(theirs[k]), k
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-8, atol=1e-10, err_msg=k)


def test_bfgs_follows_scipy(both):
    ours, theirs = both
    assert len(ours["bfgs.errors"]) == len(theirs["bfgs.errors"])
    np.testing.assert_allclose(ours["bfgs.errors"], theirs["bfgs.errors"], rtol=1e-5)
