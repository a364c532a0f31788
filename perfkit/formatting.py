"""How values are written for people: one place for units, decimals and words.

>>> format_value(97.44, "%", 1), format_value(1234.5, "GBP", 2), format_value(503, "count", 0)
('97.4%', '£1,234.50', '503')
>>> format_value(72.21, "rate per 10,000", 1), format_value(29.9, "days", 1), format_value(None, "%", 1)
('72.2 per 10,000', '29.9 days', '–')
"""

from __future__ import annotations

import math

__all__ = ["STATUS_WORDS", "format_counts", "format_value", "separating_decimals", "status_note"]


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


def separating_decimals(value: float | None, others: list[float | None], decimals: int, most: int = 3) -> int:
    """Decimals enough to show ``value`` apart from each of ``others`` it differs from.

    RAG compares exact figures, so 94.98% misses a 95.0% target: written to one decimal
    both read "95.0%" and the reader cannot see why. Up to ``most`` extra decimals are added.

    >>> separating_decimals(870 / 916 * 100, [95.0], 1), separating_decimals(97.7, [97.5], 1)
    (2, 1)
    """
    if value is None or value != value:
        return int(decimals)
    for d in range(int(decimals), int(decimals) + most + 1):
        shown = round(value, d)
        if all(o is None or o != o or abs(value - o) < 1e-9 or shown != round(o, d) for o in others):
            return d
    return int(decimals) + most


def format_counts(numerator: float | None, denominator: float | None) -> str:
    """'10 of 39': the counts behind a percentage on a small base.

    >>> format_counts(10, 39), format_counts(None, 39)
    ('10 of 39', '')
    """
    if numerator is None or denominator is None or numerator != numerator or denominator != denominator:
        return ""
    return f"{numerator:,.0f} of {denominator:,.0f}"


#: What a stored status is called where a figure is shown.
STATUS_WORDS = {"provisional": "provisional", "suppressed": "withheld", "missing": "missing"}


def status_note(status: str, reason: object) -> str:
    """'provisional: awaiting sign-off'; '' for a final figure.

    >>> status_note("suppressed", "fewer than 5"), status_note("missing", None), status_note("ok", None)
    ('withheld: fewer than 5', 'missing: no reason given', '')
    >>> status_note("provisional", "Provisional until the annual return is signed off")
    'provisional until the annual return is signed off'
    """
    if status == "ok" or not status:
        return ""
    word = STATUS_WORDS.get(status, status)
    text = reason.strip() if isinstance(reason, str) and reason.strip() else "no reason given"
    if text.lower().startswith(word):  # the owner's note already says it: not "provisional: Provisional until ..."
        return word + text[len(word):]
    return f"{word}: {text}"
