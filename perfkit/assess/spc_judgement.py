"""SPC as a paper may state it: which series it runs on, and what its latest point may be said to show.

:mod:`perfkit.assess.spc` computes XmR charts rule for rule as NHSRplotthedots does and stays
that way. This module is the judgement around it, in one place for every paper, the profile
and the data check (``perfkit check``):

- **Which series.** SPC is for a process series, one figure per period of the indicator's own
  frequency. The catalogue's ``spc`` says whether it suits the indicator (default: yes, but no
  for a cumulative year-to-date one; an annual series is a process series of years). A year-to-date figure climbs or settles
  through the year by construction, so SPC never runs on it: where the catalogue still asks
  for SPC it runs on each period's own figure, recovered from the year-to-date rows (the
  difference of running totals for a count or money; of numerators and denominators for a
  percentage or rate), and on nothing where the store cannot give them.
- **What the latest point may be said to show.** The latest point is not called special
  cause ("unusual") when it is exactly on its target, or when it lies outside a process limit
  by less than the decimals the paper shows (98.10% beside an upper limit of 98.09% both read
  98.1% at one decimal): the reader could not see why it is unusual, and neither is news.
  :func:`judge` turns such a point into common cause and says why in the result's warnings.
- **Materiality.** :func:`signal` is which side the latest point's special cause is on
  ("high" or "low"), or "" for common cause: direction of travel
  (:mod:`perfkit.assess.direction`) counts a move as significant only when it is on that side.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from perfkit.assess.aggregate import reporting_period
from perfkit.assess.spc import MIN_POINTS, SPCResult, spc
from perfkit.config.catalogue import Indicator, Unit
from perfkit.contract import LIVE
from perfkit.formatting import format_value
from perfkit.periods import Period

__all__ = [
    "judge", "latest_spc", "latest_spc_series", "own_series", "own_values", "process_series", "series_until", "signal", "spc_of", "values_by_indicator",
]

#: Units whose year-to-date figure is a running total: a period's own figure is the difference.
RUNNING_TOTALS = (Unit.COUNT, Unit.GBP)


def own_values(rows: pd.DataFrame, code: str, area: str) -> list[tuple[Period, float]]:
    """The indicator's live stored values for one area, in its own frequency, by period."""
    return values_by_indicator(rows[rows["indicator"] == code], area).get(code, [])


def values_by_indicator(rows: pd.DataFrame, area: str) -> dict[str, list[tuple[Period, float]]]:
    """:func:`own_values` of every indicator in ``rows``, in one pass."""
    live = rows[(rows["area_code"] == area) & rows["status"].isin(LIVE) & rows["value"].notna()]
    return {code: sorted(zip(part["period"], part["value"].astype(float))) for code, part in live.groupby("indicator", sort=False)}


def series_until(values: list[tuple[Period, float]], until: dt.date) -> pd.DataFrame:
    """:func:`own_values` up to ``until``, as SPC needs them: every period from the first with a
    value to the last, a period without one (missing, withheld or not stored) kept in place
    as a gap (NaN)."""
    kept = dict((p, v) for p, v in values if p.start <= until)
    if not kept:
        return pd.DataFrame({"period": [], "value": []})
    periods = min(kept).range_to(max(kept))
    return pd.DataFrame({"period": periods, "value": [kept.get(p, float("nan")) for p in periods]})


def own_series(rows: pd.DataFrame, code: str, area: str, until: dt.date) -> pd.DataFrame:
    """The indicator's stored values for one area up to ``until``, gaps kept (:func:`series_until`)."""
    return series_until(own_values(rows, code, area), until)


def _in_period(rows: pd.DataFrame, ind: Indicator, area: str) -> list[tuple[Period, float]]:
    """Each period's own figure of a cumulative (year-to-date) indicator, where the stored rows
    give it: the year's first period is its own year to date; a later one is the difference
    from the period before (running totals), or the ratio of the differences of numerators and
    denominators (percentages and rates). Periods that cannot be recovered are left out."""
    mine = rows[rows["indicator"].eq(ind.code) & rows["area_code"].eq(area) & rows["status"].isin(LIVE) & rows["value"].notna()]
    stored = {r.period: r for r in mine.itertuples()}
    found = []
    for period, row in sorted(stored.items()):
        before = stored.get(period.prev())
        if period.prev().financial_year != period.financial_year:
            found.append((period, float(row.value)))
        elif before is None:
            continue
        elif all(x == x and x is not None for x in (row.numerator, row.denominator, before.numerator, before.denominator)):
            due = row.denominator - before.denominator
            if due > 0:
                found.append((period, (row.numerator - before.numerator) / due * ind.unit.multiplier))
        elif ind.unit in RUNNING_TOTALS:
            found.append((period, float(row.value - before.value)))
    return found


def process_series(rows: pd.DataFrame, ind: Indicator, area: str, until: dt.date) -> pd.DataFrame:
    """The series SPC may run on for ``ind`` in ``area`` up to ``until`` (columns period and
    value, gaps NaN): the stored figures, or for a cumulative indicator each period's own
    figure; empty where the catalogue says the indicator does not suit SPC."""
    if not ind.spc:
        return pd.DataFrame({"period": [], "value": []})
    if ind.cumulative:
        return series_until(_in_period(rows, ind, area), until)
    return own_series(rows, ind.code, area, until)


def judge(result: SPCResult, target: float | None, unit: str, decimals: int) -> SPCResult:
    """``result`` with its latest point's special cause withdrawn where the paper could not
    show it or it is no news: the point is exactly on ``target``, or it is outside a process
    limit by less than ``decimals`` show (both print the same). The withdrawn point reads
    common cause, and a warning says why."""
    points = result.points
    present = points.index[points["value"].notna()]
    if not len(present):
        return result
    i = present[-1]
    last = points.loc[i]
    if not last["rule"]:
        return result
    fmt = lambda v: format_value(v, unit, decimals)  # noqa: E731
    why = None
    if target is not None and target == target and abs(last["value"] - target) < 1e-9:
        why = f"the latest point ({fmt(last['value'])}) is exactly on its target, so it is not called special cause"
    elif last["rule"] == "outside limits":
        limit = last["upl"] if last["value"] > last["upl"] else last["lpl"]
        if fmt(last["value"]) == fmt(limit):
            why = (f"the latest point ({fmt(last['value'])}) is outside its process limit ({fmt(limit)}) by less than the "
                   f"{decimals} decimal{'s' * (decimals != 1)} shown, so it is not called special cause")
    if why is None:
        return result
    points = points.copy()
    points.loc[i, ["rule", "point_type"]] = ["", "common cause"]
    return dataclasses.replace(result, points=points, variation="common cause", warnings=(*result.warnings, why))


def spc_of(series: pd.DataFrame, ind: Indicator) -> SPCResult | None:
    """The judged SPC of ``series`` (:func:`process_series`), assured against the target of its
    last period; None under the 12 points SPC needs."""
    if series["value"].count() < MIN_POINTS:
        return None
    target = ind.target_for(series["period"].iloc[-1])
    value = target.value if target else None
    return judge(spc(series["value"].tolist(), ind.polarity.value, value), value, ind.unit.value, ind.decimals)


def latest_spc(rows: pd.DataFrame, ind: Indicator, area: str, period: Period) -> SPCResult | None:
    """The judged SPC of the indicator as a paper for ``period`` shows it: its series must reach
    the last of its own periods in the indicator's reporting period (the quarter's last month
    for a monthly indicator in a quarterly paper) and hold 12 points; else None (say nothing)."""
    return latest_spc_series(rows, ind, area, period)[1]


def latest_spc_series(rows: pd.DataFrame, ind: Indicator, area: str, period: Period) -> tuple[pd.DataFrame, SPCResult | None]:
    """:func:`latest_spc` with the process series it ran on (period, value), for a chart of it."""
    last = Period.containing(reporting_period(ind.freq, period).end, ind.freq)
    series = process_series(rows, ind, area, last.end)
    if not len(series) or series["period"].iloc[-1] != last:
        return series, None
    return series, spc_of(series, ind)


def signal(result: SPCResult | None, polarity: str) -> str | None:
    """Which side the latest point's special cause is on: "high", "low", "" (common cause), or
    None without SPC (direction of travel then uses the catalogue's ``no_change_threshold``)."""
    if result is None:
        return None
    variation = result.variation
    if variation == "common cause":
        return ""
    if variation.startswith("special cause neutral"):
        return variation.rsplit(" ", 1)[-1]
    good = variation == "special cause improvement"
    return "high" if good == (polarity == "higher") else "low"
