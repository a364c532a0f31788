"""A seed's council in its rows: figures returned as missing, gaps, ties with neighbours, and
owners' words that quote no withheld number.

:func:`vary` takes one indicator's generated rows (every area and period, in the canonical
layout :mod:`perfkit.scaffold.demo` writes) and applies what the seed's
:class:`~perfkit.scaffold.shapes.Shape` asks of them; the shipped council's rows are never
passed through it. A row with words and no figure (an owner's words for a quarter of a
monthly indicator) goes when a month of its quarter is no longer there to write about.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from perfkit.assess.disclosure import DEFAULT_THRESHOLD, may_reveal
from perfkit.config.catalogue import Indicator, Unit
from perfkit.contract import ENGLAND
from perfkit.periods import Freq, Period, parse_period

__all__ = ["vary"]

Row = dict[str, str]
#: Where the words of a withheld figure stood, when the owner's first sentence quoted it.
_REVIEWED = "The service has reviewed the cases behind this figure."


def vary(shape: Any, ind: Indicator, rows: list[Row], home: str, last: Period) -> list[Row]:
    """``rows`` of ``ind`` as ``shape``'s council has them (``home`` is the council's area
    code, ``last`` the demo's last period): the council's figures returned as missing and
    periods with no row, neighbours tied with the council, and the owners' words about a
    figure a public paper withholds rid of the numbers in them."""
    rng = np.random.default_rng([shape.seed, zlib.crc32(b"rows"), zlib.crc32(ind.code.encode())])
    rows = [dict(r) for r in rows]
    year = last.financial_year
    if ind.code in shape.missing:
        _missing(rows, home, year, rng)
    if ind.code in shape.gaps:
        rows = _gaps(rows, home, year, rng)
    rows = _without_orphan_words(rows, ind, home)
    if ind.code in shape.ties:
        _tie(rows, ind, home, shape.ties[ind.code], year, rng)
    _unquoted(rows, ind, home)
    return rows


def _period(row: Row) -> Period:
    return parse_period(row["period"])


def _words_only(row: Row) -> bool:
    """A row of an owner's words with no figure (no value, no status)."""
    return not row.get("value") and not row.get("status")


def _live(row: Row) -> bool:
    return row.get("value") not in (None, "", "c", "x") and row.get("status", "") in ("", "ok", "provisional")


def _figures(rows: list[Row], home: str) -> list[int]:
    return [i for i, r in enumerate(rows) if r["area_code"] == home and not _words_only(r)]


def _missing(rows: list[Row], home: str, year: Period, rng: np.random.Generator) -> None:
    """One or two of the council's figures in the last year returned as missing."""
    candidates = [i for i in _figures(rows, home) if _period(rows[i]).financial_year == year and _live(rows[i])]
    for i in rng.choice(candidates, size=min(len(candidates), int(rng.integers(1, 3))), replace=False):
        kept = {k: rows[i][k] for k in ("indicator", "area_code", "area_name", "period")}
        rows[i] = {**kept, "status": "missing", "note": "Not available: the service's case system was offline at the month end"}


def _gaps(rows: list[Row], home: str, year: Period, rng: np.random.Generator) -> list[Row]:
    """One or two of the council's periods in the last two years with no row; sometimes an
    earlier period with no row for any area."""
    recent = [rows[i]["period"] for i in _figures(rows, home) if _period(rows[i]).financial_year >= year.shift(-1)]
    dropped = {(home, str(p)) for p in rng.choice(recent, size=min(len(recent), int(rng.integers(1, 3))), replace=False)}
    earlier = sorted({r["period"] for r in rows if _period(r).financial_year < year.shift(-1)}, key=parse_period)
    everywhere = {str(rng.choice(earlier))} if earlier and rng.random() < 0.5 else set()
    return [r for r in rows if (r["area_code"], r["period"]) not in dropped and r["period"] not in everywhere]


def _without_orphan_words(rows: list[Row], ind: Indicator, home: str) -> list[Row]:
    """Rows of words for a longer period than the indicator's (a quarter of a monthly one),
    kept only while every part of that period has a figure."""
    live = {_period(r) for r in rows if r["area_code"] == home and not _words_only(r) and _live(r)}

    def whole(row: Row) -> bool:
        period = _period(row)
        return period.freq is ind.freq or all(p in live for p in period.subperiods(ind.freq))

    return [r for r in rows if not (r["area_code"] == home and _words_only(r)) or whole(r)]


def _tie(rows: list[Row], ind: Indicator, home: str, count: int, year: Period, rng: np.random.Generator) -> None:
    """``count`` neighbours whose figures equal the council's at the shown decimals in the
    last two years: on other exact counts where some give the same shown figure (a quarter
    or a year), on the council's counts doubled for a month (so its quarter ties too)."""
    neighbours = sorted({r["area_code"] for r in rows} - {home, ENGLAND})
    chosen = {str(c) for c in rng.choice(neighbours, size=min(count, len(neighbours)), replace=False)}
    mine = {r["period"]: r for r in rows if r["area_code"] == home and _live(r)}
    for row in rows:
        if row["area_code"] in chosen and _live(row) and row["period"] in mine and _period(row).financial_year >= year.shift(-1):
            _match(row, mine[row["period"]], ind)


def _match(other: Row, mine: Row, ind: Indicator) -> None:
    """Give ``other`` a figure shown as ``mine`` is, keeping it valid (and not a small count)."""
    shown, decimals, mult = mine["value"], ind.decimals, ind.unit.multiplier
    if not mine.get("numerator"):
        other["value"] = shown
        return
    num, den = int(mine["numerator"]), int(mine["denominator"])
    exact, step = num / den * mult, 10.0 ** -decimals
    found = (2 * num, 2 * den)
    if ind.freq is not Freq.MONTH and other.get("denominator") and abs(exact - float(shown)) < 0.4 * step:
        theirs = int(other["denominator"])
        for d in sorted(range(max(DEFAULT_THRESHOLD, theirs - 40), theirs + 41), key=lambda d: abs(d - theirs)):
            n = round(exact * d / mult)
            value = n / d * mult
            if n * den != num * d and f"{value:.{decimals}f}" == shown and abs(value - float(shown)) < 0.4 * step \
                    and n >= DEFAULT_THRESHOLD and (ind.unit is not Unit.PERCENT or n <= d):
                found = (n, d)
                break
    n, d = found
    if n < DEFAULT_THRESHOLD:
        return  # a published count this small would be suppressed, not tied
    other.update(numerator=str(n), denominator=str(d), value=f"{n / d * mult:.{decimals}f}")


def _unquoted(rows: list[Row], ind: Indicator, home: str) -> None:
    """The owner's words about a figure a public paper withholds (a small count, or a rate
    on one; for a month, anything in its quarter) keep no number: the sentence that quoted
    the figure goes, the reasons stay."""

    def key(period: Period) -> Period:
        return period.within(Freq.QUARTER) if period.freq is Freq.MONTH else period

    held = {key(_period(r)) for r in rows if r["area_code"] == home and not _words_only(r) and _small(r, ind)}
    for row in rows:
        if row["area_code"] == home and key(_period(row)) in held:
            if may_reveal(row.get("commentary")):
                row["commentary"] = _without_numbers(row["commentary"])
            if may_reveal(row.get("actions")):
                row.pop("actions")


def _small(row: Row, ind: Indicator) -> bool:
    cells = [row.get("numerator"), row.get("denominator"), row.get("value") if ind.unit is Unit.COUNT else None]
    return any(c not in (None, "", "c", "x") and 1 <= float(c) < DEFAULT_THRESHOLD for c in cells)


def _without_numbers(text: str) -> str:
    """``text`` without its first sentence or clause (where the demo's owners quote the figure).

    >>> _without_numbers("Below target at 3 (target 0). Demand rose over the period.")
    'Demand rose over the period.'
    >>> _without_numbers("Short of target at 3 against 0; the shortfall is in one team.")
    'The shortfall is in one team.'
    """
    cuts = [i for i in (text.find(". "), text.find("; ")) if i >= 0]
    rest = text[min(cuts) + 2:].strip() if cuts else ""
    rest = rest[:1].upper() + rest[1:]
    return rest if rest and not may_reveal(rest) else _REVIEWED
