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

__all__ = ["FORMULA_START", "NUMBER_TEXT", "csv_bytes", "safe_cell", "write_csv"]

#: The rule, written once for Python and for DuckDB's SQL (both regular expressions): text
#: that starts with one of these runs as a formula, unless the whole (trimmed) text is a number.
FORMULA_START = r"^[=+\-@\t\r]"
NUMBER_TEXT = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
_RISKY = re.compile(FORMULA_START)
_NUMBER = re.compile(f"^{NUMBER_TEXT}$")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet may safely hold it.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-5"), safe_cell(-5), safe_cell("@SUM(A1)"), safe_cell("Fine")
    ('\\'=HYPERLINK("http://x")', '-5', -5, "'@SUM(A1)", 'Fine')
    """
    if isinstance(value, str) and _RISKY.match(value) and not _NUMBER.match(value.strip()):
        return "'" + value
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV with every text cell made safe: UTF-8 with a byte-order mark, so Excel reads it as UTF-8."""
    text = lambda column: pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)  # noqa: E731 - pandas 3 reads text as str
    safe = frame.apply(lambda column: column.astype(object).map(safe_cell) if text(column) else column)
    return safe.to_csv(index=False).encode("utf-8-sig")


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` as :func:`csv_bytes`, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_bytes(csv_bytes(frame))
    return path
