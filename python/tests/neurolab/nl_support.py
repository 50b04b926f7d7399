"""Helpers of the merezha.neurolab tests: where a neurolab venv is."""
import os


def neurolab_python():
    """The python of a venv with neurolab importable (NEUROLAB_PYTHON, else
    /work/venvs/neurolab), or None."""
    cand = os.environ.get("NEUROLAB_PYTHON", "/work/venvs/neurolab/bin/python")
    return cand if os.path.exists(cand) else None

