"""The papers, built from display blocks: what notebooks import.

``from perfkit.report import DirectoratePaper`` (and the other papers) imports the paper's
module when first asked for, so :mod:`perfkit.report.kinds` can be read by the build without
loading every paper.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["AreaProfile", "Block", "Blocks", "Chart", "CorporateOverview", "DirectoratePaper", "IndicatorProfile", "Table"]

_HOMES = {
    "AreaProfile": "perfkit.report.area",
    "CorporateOverview": "perfkit.report.overview",
    "DirectoratePaper": "perfkit.report.directorate",
    "IndicatorProfile": "perfkit.report.profile",
    "Block": "perfkit.blocks.model",
    "Blocks": "perfkit.blocks.model",
    "Chart": "perfkit.blocks.model",
    "Table": "perfkit.blocks.model",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'perfkit.report' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
