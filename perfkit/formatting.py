"""How values are written for people: one place for units, decimals and words.

>>> format_value(97.44, "%", 1), format_value(1234.5, "GBP", 2), format_value(503, "count", 0)
('97.4%', '£1,234.50', '503')
>>> format_value(72.21, "rate per 10,000", 1), format_value(29.9, "days", 1), format_value(None, "%", 1)
('72.2 per 10,000', '29.9 days', '–')
"""

from __future__ import annotations

import math

__all__ = ["format_value"]


def format_value(value: float | None, unit: str, decimals: int) -> str:
    """``value`` rounded to ``decimals`` with its unit, or an en dash when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = f"{value:,.{int(decimals)}f}"
    if unit == "%":
        return f"{number}%"
    if unit == "GBP":
        return f"-£{number[1:]}" if number.startswith("-") else f"£{number}"
    if unit.startswith("rate per "):
        return f"{number} per {unit.removeprefix('rate per ')}"
    if unit in ("days", "weeks"):
        return f"{number} {unit}"
    return number
