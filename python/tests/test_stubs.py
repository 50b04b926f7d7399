"""The type stubs in python/merezha/*.pyi name every public class and function of the Keras
modules and of the extension (python/make_stubs.py rewrites them after a binding changes)."""
import os
import re

import pytest

import merezha
from merezha import (activations, constraints, initializers, layers, losses, metrics,
                     optimizers, regularizers)

STUBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "merezha")


def stub_names(module):
    with open(os.path.join(STUBS, module + ".pyi")) as f:
        text = f.read()
    return set(re.findall(r"^\s*(?:def|class)\s+(\w+)", text, re.M)) | set(
        re.findall(r"^(\w+)\s*=", text, re.M)) | set(re.findall(r"\b(\w+) as \1\b", text))


@pytest.mark.parametrize("module", [layers, optimizers, losses, metrics, initializers,
                                    activations, regularizers, constraints])
def test_keras_module_stubs_are_complete(module):
    name = module.__name__.split(".")[-1]
    public = {n for n in getattr(module, "__all__", dir(module)) if not n.startswith("_")}
    missing = public - stub_names(name)
    assert not missing, f"{name}.pyi lacks {sorted(missing)}: run python/make_stubs.py"


def test_extension_stub_is_complete():
    public = {n for n in dir(merezha._merezha) if not n.startswith("_")}
    missing = public - stub_names("_merezha")
    assert not missing, f"_merezha.pyi lacks {sorted(missing)}: run python/make_stubs.py"
    ops = {n for n in dir(merezha._merezha.ops) if not n.startswith("_")}
    assert not ops - stub_names("ops")
