"""Files a spreadsheet opens: cells that cannot run as formulas, numbers kept as numbers.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run
as a formula in Excel or LibreOffice ("CSV injection"). Every CSV or XLSX perfkit writes
passes its cells through :func:`safe_cell`: such text gains a leading apostrophe, which
spreadsheets show as text; a number (``-5``, ``+3.2``) stays a number.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from perfkit.atomic import atomic_path

__all__ = ["safe_cell", "write_csv"]

_RISKY = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet may safely hold it.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-5"), safe_cell(-5), safe_cell("@SUM(A1)"), safe_cell("Fine")
    ('\\'=HYPERLINK("http://x")', '-5', -5, "'@SUM(A1)", 'Fine')
    """
    if isinstance(value, str) and value.startswith(_RISKY) and not _NUMBER.match(value.strip()):
        return "'" + value
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` (UTF-8 with a byte-order mark, so Excel reads it as UTF-8), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe = frame.apply(lambda column: column.map(safe_cell) if column.dtype == object else column)
    with atomic_path(path) as tmp:
        safe.to_csv(tmp, index=False, encoding="utf-8-sig")
    return path
