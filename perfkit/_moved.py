"""Old import paths, kept working for one release (0.2) after the package was laid out in
layers: importing one warns (DeprecationWarning) and gives the module at its new home.

README's "Upgrading" section lists them; the public API a notebook may import is in README's
"Layout". Remove this module, and its line in ``perfkit/__init__.py``, in 0.3.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

__all__ = ["MOVED"]

#: old module -> new module
MOVED = {
    "perfkit.paths": "perfkit.config.project",
    "perfkit.catalogue": "perfkit.config.catalogue",
    "perfkit.params": "perfkit.config.papers",
    "perfkit.council": "perfkit.config.council",
    "perfkit.comparators": "perfkit.config.groups",
    "perfkit.areas": "perfkit.compare.batch",
    "perfkit.check": "perfkit.returns.chase",
    "perfkit.init": "perfkit.scaffold.init",
    "perfkit.demo": "perfkit.scaffold.demo",
    "perfkit.report.blocks": "perfkit.blocks.model",
    "perfkit.report.escape": "perfkit.text",
    "perfkit.report.paper": "perfkit.report.directorate",
    "perfkit.render.block_html": "perfkit.blocks.html",
    "perfkit.render.block_typst": "perfkit.blocks.typst",
    "perfkit.render.index": "perfkit.render.site",
    "perfkit.kinds": "perfkit.report.kinds",
    "perfkit.builder": "perfkit.build.builder",
    "perfkit.build_cli": "perfkit.cli.build",
    "perfkit.executors": "perfkit.build.executors",
    "perfkit.kernels": "perfkit.build.kernels",
    "perfkit.manifest": "perfkit.build.manifest",
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        return importlib.machinery.ModuleSpec(name, self) if name in MOVED else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(f"{spec.name} moved to {MOVED[spec.name]}; the old name goes in perfkit 0.3", DeprecationWarning, stacklevel=3)
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module: ModuleType) -> None:
        """The module is the new one, already run."""


def install() -> None:
    """Let the old names import (once per process)."""
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.append(_Alias())
