"""How values are written for people: one place for units, decimals and words.

>>> format_value(97.44, "%", 1), format_value(1234.5, "GBP", 2), format_value(503, "count", 0)
('97.4%', '£1,234.50', '503')
>>> format_value(72.21, "rate per 10,000", 1), format_value(29.9, "days", 1), format_value(None, "%", 1)
('72.2 per 10,000', '29.9 days', '–')

Every figure is rounded here, half-up at its decimals as a person rounds the decimal number
(:func:`round_half_up`: 73.95 -> "74.0"), never by the binary float ("73.9").
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "STATUS_WORDS", "as_shown", "format_change", "format_counts", "format_value", "plain_number", "round_half_up", "separating_decimals",
    "shown_number", "status_note",
]

#: Decimals of a float's arithmetic kept before rounding: 28.499999999999996 (0.285 * 100) is 28.5.
_NOISE = 9


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, Decimal) and value != value) or (isinstance(value, Decimal) and value.is_nan())


def round_half_up(value: float | Decimal, decimals: int) -> Decimal:
    """``value`` rounded half-up (a half away from zero) at ``decimals``, in decimal arithmetic.

    A float is read as the decimal it prints as (``repr``), taken to 9 decimals to drop the
    noise of binary arithmetic, then rounded: the figure a person gets from the decimal
    number, not the one Python's ``round`` or an f-string gets from the binary float.
    Never "-0.0".

    >>> str(round_half_up(73.95, 1)), str(round_half_up(59.55, 1)), f"{59.55:.1f}"
    ('74.0', '59.6', '59.5')
    >>> str(round_half_up(0.285 * 100, 0)), str(round_half_up(-2.5, 0)), str(round_half_up(-0.04, 1))
    ('29', '-3', '0.0')
    """
    with localcontext() as ctx:
        ctx.prec = 60
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-_NOISE), ROUND_HALF_EVEN)
        out = exact.quantize(Decimal(1).scaleb(-int(decimals)), ROUND_HALF_UP)
    return out.copy_abs() if out.is_zero() else out


def as_shown(value: float | None, decimals: int) -> float:
    """``value`` as a paper shows it (:func:`round_half_up`), as a float; NaN where there is none.

    >>> as_shown(6.8966, 1), as_shown(None, 1)
    (6.9, nan)
    """
    return math.nan if _missing(value) else float(round_half_up(value, decimals))


def shown_number(value: float | None, decimals: int) -> str | None:
    """``value`` as a paper shows it (:func:`round_half_up` at ``decimals``, trailing zeros kept),
    as a number a spreadsheet reads: no unit, no thousands separator; None where there is none.
    Open data writes this, so it reads figure for figure as the paper does.

    >>> shown_number(3585 / 134, 1), shown_number(68.0, 1), shown_number(1234.5, 0), shown_number(870 / 916 * 100, 2)
    ('26.8', '68.0', '1235', '94.98')
    >>> shown_number(-0.04, 1), shown_number(None, 1)
    ('0.0', None)
    """
    return None if _missing(value) else f"{round_half_up(value, decimals):.{int(decimals)}f}"


def plain_number(value: float | None) -> str | None:
    """A stored count as written (without the noise of binary arithmetic), for a spreadsheet: '3585'
    for 3585.0, '12.5'; None where there is none.

    >>> plain_number(3585.0), plain_number(12.5), plain_number(0.1 + 0.2), plain_number(1e7), plain_number(None)
    ('3585', '12.5', '0.3', '10000000', None)
    """
    if _missing(value):
        return None
    return f"{round_half_up(value, _NOISE).normalize():f}"


def format_value(value: float | None, unit: str, decimals: int) -> str:
    """``value`` rounded half-up to ``decimals`` with its unit, or an en dash when there is none."""
    if _missing(value):
        return "–"
    number = f"{round_half_up(value, decimals):,.{int(decimals)}f}"
    if unit == "%":
        return f"{number}%"
    if unit == "GBP":
        return f"-£{number[1:]}" if number.startswith("-") else f"£{number}"
    if unit.startswith("rate per "):
        return f"{number} per {unit.removeprefix('rate per ')}"
    if unit in ("days", "weeks"):
        return f"{number} {unit}"
    return number


def format_change(value: float | None, unit: str, decimals: int, signed: bool = True) -> str:
    """A difference between two figures: a gap or a change, signed, or a distance (``signed``
    False). A percentage's difference is in percentage points ("pts"), never "%"; other units
    keep their own.

    >>> format_change(3.7, "%", 1), format_change(-0.04, "%", 1), format_change(-1.2, "GBP", 2), format_change(0.63, "rate per 100,000", 1)
    ('+3.7 pts', '0.0 pts', '-£1.20', '+0.6 per 100,000')
    >>> format_change(2.0, "%", 1, signed=False)
    '2.0 pts'
    """
    if _missing(value):
        return "–"
    rounded = round_half_up(value, decimals)
    sign = "+" if rounded > 0 and signed else ""
    if unit == "%":
        return f"{sign}{rounded:,.{int(decimals)}f} pts"
    return sign + format_value(rounded, unit, decimals)


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
        shown = round_half_up(value, d)
        if all(o is None or o != o or abs(value - o) < 1e-9 or shown != round_half_up(o, d) for o in others):
            return d
    return int(decimals) + most


def format_counts(numerator: float | None, denominator: float | None) -> str:
    """'10 of 39': the counts behind a percentage on a small base.

    >>> format_counts(10, 39), format_counts(None, 39)
    ('10 of 39', '')
    """
    if _missing(numerator) or _missing(denominator):
        return ""
    return f"{format_value(numerator, 'count', 0)} of {format_value(denominator, 'count', 0)}"


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
