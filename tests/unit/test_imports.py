"""The fast subset (``pytest -m "not slow"``) imports every module of the package, so a
broken import is found without a build; and the old module paths still import, with a warning."""

from __future__ import annotations

import importlib
import pkgutil
import warnings

import pytest

import perfkit
from perfkit._moved import MOVED


def test_every_module_imports():
    names = [m.name for m in pkgutil.walk_packages(perfkit.__path__, "perfkit.") if m.name != "perfkit.__main__"]
    assert len(names) > 60
    for name in names:
        importlib.import_module(name)


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_path_warns_and_gives_the_new_module(old):
    import sys

    sys.modules.pop(old, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(old)
    assert module is importlib.import_module(MOVED[old])
    assert any(issubclass(w.category, DeprecationWarning) and MOVED[old] in str(w.message) for w in caught)
