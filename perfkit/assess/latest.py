"""Latest available: the period a paper shows a published indicator for (README, "Latest available").

A published indicator (the catalogue names its ``publisher``) is shown at its latest period,
not after the paper's own, whose figure the publisher had released by the paper's **as-at
date**: the meeting date that receives the paper. Where the meeting is not yet known, its
latest figure stored (not after the paper's period). Never the build date, so a paper built
again (incrementally, or ``--as-of``, which reads the store as it stood) says the same.

When a figure was released:

- **Recorded**: the import batch's ``released`` date (``perfkit ingest --released`` or the
  mapping's ``released:``) is the release date of the latest period that batch holds for the
  indicator. A publisher's file repeats earlier years: each earlier period is taken as released
  as long after its own end as the latest one was (a ten-year DfE file released 30 Oct 2025
  released 2023/24 in Oct 2024), so a year revised in a later release keeps its first release.
- **Estimated**, where the batch records none: the period's end plus the catalogue's
  ``lag_months``; without a lag, the period's end (the council's own rule).

A council's own indicators (no ``publisher``) keep :func:`perfkit.assess.aggregate.reporting_period`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from perfkit.assess.aggregate import reporting_period
from perfkit.config.catalogue import Indicator
from perfkit.periods import Period

__all__ = ["Latest", "add_months", "as_at_date", "latest_available", "not_released_reason", "released_dates", "shown_periods"]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; a month's last day stays its month's last day.

    >>> add_months(dt.date(2025, 3, 31), 8), add_months(dt.date(2025, 9, 30), 3), add_months(dt.date(2025, 1, 15), 1)
    (datetime.date(2025, 11, 30), datetime.date(2025, 12, 31), datetime.date(2025, 2, 15))
    """
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    last = calendar.monthrange(year, month)[1]
    at_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month, last if at_end else min(day.day, last))


def as_at_date(meeting: dt.date | None, period: Period) -> dt.date | None:
    """The date a paper for ``period`` shows published figures as released by: its meeting's;
    None where it has none (the latest stored is shown)."""
    return meeting


def released_dates(rows: pd.DataFrame, ind: Indicator) -> tuple[pd.Series, pd.Series]:
    """(when each of ``rows`` was released, whether that date is an estimate) for rows of one
    indicator at its own frequency, with ``batch_id`` and ``batch_released`` (the store's
    :meth:`~perfkit.store.store.Store.observations` with ``released=True``)."""
    ends = pd.to_datetime(pd.Series([p.end for p in rows["period"]], index=rows.index, dtype=object))
    lag = ind.lag_months or 0
    estimate = pd.to_datetime(pd.Series([add_months(e.date(), lag) for e in ends], index=rows.index, dtype=object))
    recorded = pd.to_datetime(rows["batch_released"]) if "batch_released" in rows else pd.Series(pd.NaT, index=rows.index)
    latest = ends.groupby(rows["batch_id"] if "batch_id" in rows else pd.Series(0, index=rows.index)).transform("max")
    from_record = ends + (recorded - latest)
    return from_record.where(recorded.notna(), estimate), recorded.isna()


@dataclass(frozen=True)
class Latest:
    """A published indicator's figure as a paper shows it."""

    period: Period  # the period shown: the latest released by ``as_at``, else the paper's own
    due: Period  # the period the paper's own rule would show (:func:`reporting_period`)
    publisher: str
    released: dt.date | None  # when the shown figure was released; None: nothing released by as_at
    estimated: bool  # the release date is estimated from lag_months, not recorded
    next_period: Period
    next_due: dt.date | None  # the next period's release: recorded where stored, else estimated; None without a lag
    as_at: dt.date | None

    @property
    def earlier(self) -> bool:
        """Whether the figure shown is of an earlier period than the paper's own rule gives."""
        return self.period != self.due


def latest_available(rows: pd.DataFrame, ind: Indicator, period: Period, as_at: dt.date | None) -> Latest:
    """The period a paper for ``period`` with as-at date ``as_at`` shows ``ind`` (a published
    indicator) for, from ``rows``: the area's stored rows (any status) with their batches' release dates."""
    due = reporting_period(ind.freq, period)
    own = rows[rows["indicator"].eq(ind.code) & rows["period_type"].eq(ind.freq.value)]
    own = own[[p.end <= due.end for p in own["period"]]] if len(own) else own
    when, estimated = released_dates(own, ind) if len(own) else (pd.Series(dtype="datetime64[ns]"), pd.Series(dtype=bool))
    ok = own[when <= pd.Timestamp(as_at)] if len(own) and as_at is not None else own
    if len(ok):
        pick = ok["period_start"].astype("datetime64[ns]").idxmax()
        shown, released, guess = ok.loc[pick, "period"], when[pick].date(), bool(estimated[pick])
        after = shown.next()
    else:
        shown, released, guess, after = due, None, False, due
    stored = own[own["period"].eq(after)] if len(own) else own
    if len(stored):
        next_due = when[stored.index[0]].date()
    else:
        next_due = add_months(after.end, ind.lag_months) if ind.lag_months is not None else None
    return Latest(shown, due, ind.publisher or "", released, guess, after, next_due, as_at)


def not_released_reason(latest: Latest) -> str:
    """Why a published indicator has no figure: 'not yet released by DfE (2025/26 expected Nov 2026)'."""
    if latest.as_at is None:
        return f"no {latest.publisher} figure stored"
    if latest.next_due is None:
        return f"no {latest.publisher} figure released by {latest.as_at:%-d %B %Y}"
    if latest.next_due > latest.as_at:
        return f"not yet released by {latest.publisher} ({latest.next_period.label} expected {latest.next_due:%b %Y})"
    return f"{latest.publisher} releases {latest.next_period.label} about {latest.next_due:%b %Y}: not yet imported"


def shown_periods(rows: pd.DataFrame, catalogue: Mapping[str, Indicator], codes: list[str], period: Period,
                  as_at: dt.date | None = None) -> dict[str, Period]:
    """The period each of ``codes`` is shown for in a paper for ``period``: a published
    indicator's latest available in ``rows`` (any area's: a publisher releases every area at
    once), a council's own its reporting period. What area profiles and their batch show."""
    return {c: latest_available(rows, catalogue[c], period, as_at).period if catalogue[c].publisher
            else reporting_period(catalogue[c].freq, period) for c in codes}
