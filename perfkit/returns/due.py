"""What is due for a quarter: the periods of each indicator a return asks for, and every row
owed, by directorate and owner."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd

from perfkit.config.catalogue import Indicator
from perfkit.errors import ConfigError
from perfkit.periods import Freq, Period, parse_period

__all__ = ["due_rows", "owner_due", "owner_slug", "periods_due", "reporting_quarter"]


def owner_due(contact: dict, quarter: Period, due: dt.date | None) -> dt.date | None:
    """An owner's due date for ``quarter``: the calendar's, unless ``params/owners.yaml`` extends
    it for them (``extended: {"2026/27 Q1": 2026-07-31}``); the one rule the workbook and the check read."""
    extended = (contact or {}).get("extended") or {}
    return extended.get(quarter.label, due)


def owner_slug(owner: str) -> str:
    """A file name for an owner: 'Head of Early Help and Assessment' -> 'head-of-early-help-and-assessment'."""
    return re.sub(r"[^a-z0-9]+", "-", owner.lower()).strip("-") or "owner"


def periods_due(ind: Indicator, quarter: Period) -> list[Period]:
    """The periods of ``ind`` a return for ``quarter`` asks for: its months, the quarter, or
    (in Q4) the financial year."""
    if ind.freq is Freq.YEAR:
        return [quarter.financial_year] if quarter.financial_year.quarters()[-1] == quarter else []
    return quarter.subperiods(ind.freq)


def reporting_quarter(period: str | Period) -> Period:
    """``period`` as the quarter returns are collected for; a clear error for anything else."""
    when = period if isinstance(period, Period) else parse_period(period)
    if when.freq is not Freq.QUARTER:
        raise ConfigError(f"returns are collected for a quarter, such as '2026/27 Q1'; {when.label!r} is a {when.freq.value}")
    return when


def due_rows(params, quarter: Period, slugs: Iterable[str] | None = None) -> pd.DataFrame:  # noqa: ANN001 - ReportParams
    """Every row owed for ``quarter``: directorate (slug), owner, indicator and period, in
    directorate and catalogue order. Only the council's own indicators are owed (a published
    one, with a ``publisher``, is read from the publisher's file)."""
    rows = []
    for slug in slugs or params.directorates:
        directorate = params.directorate(slug)
        for code in params.indicators_of(directorate.slug):
            ind = params.catalogue[code]
            if ind.publisher:  # a published figure comes from its publisher's file, not from an owner's return
                continue
            rows += [(directorate.slug, directorate.name, ind.owner, code, p) for p in periods_due(ind, quarter)]
    return pd.DataFrame(rows, columns=["directorate", "directorate_name", "owner", "indicator", "period"])
