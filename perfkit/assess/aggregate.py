"""Aggregate observations to a longer period, by each indicator's rule.

- ``rate``: sum numerators and denominators, then recompute (never average percentages);
- ``sum``: add the values; ``mean``: average the values;
- ``latest``: a snapshot, the value of the last period (also how year-to-date cumulative
  indicators are read).

A suppressed part makes the whole suppressed (it is never counted as zero); a missing part
leaves the result marked incomplete, with how many parts were found. A figure withheld by
disclosure control keeps the range its hidden value lies in (``withheld_low`` and
``withheld_high``) where it stands alone (its own period, or a snapshot); a total built
from a withheld part has no range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfkit.config.catalogue import Catalogue
from perfkit.contract import COUNTS_DISAGREE
from perfkit.contract import LIVE as _LIVE
from perfkit.periods import Freq, Period

__all__ = ["aggregate", "aggregate_periods", "year_to_date", "reporting_period"]

RESULT_COLUMNS = [
    "indicator",
    "area_code",
    "area_name",
    "period",
    "value",
    "numerator",
    "denominator",
    "status",
    "status_reason",
    "parts_found",
    "parts_expected",
    "withheld_low",
    "withheld_high",
    "quality",
    "ci_lower",
    "ci_upper",
    "compared",
]
#: A published figure's confidence interval and the publisher's judgement against England:
#: kept where the figure is one stored row (a total of several periods has neither).
_PUBLISHED = ("ci_lower", "ci_upper", "compared")


def reporting_period(freq: Freq, period: Period) -> Period | None:
    """The period an indicator of ``freq`` is reported for in a report for ``period``.

    Finer indicators are aggregated up to ``period``; coarser ones (an annual indicator in
    a quarterly report) show their latest period that has ended by the end of ``period``, as
    does a published kind of its own (a calendar or academic year, a day "as at": never aggregated).

    >>> from perfkit.periods import parse_period
    >>> reporting_period(Freq.YEAR, parse_period("2025/26 Q2"))
    Period('2024/25')
    >>> reporting_period(Freq.MONTH, parse_period("2025/26 Q2"))
    Period('2025/26 Q2')
    >>> reporting_period(Freq.CALENDAR, parse_period("2025/26 Q2")), reporting_period(Freq.AS_AT, parse_period("2025/26 Q2"))
    (Period('2024'), Period('as at 30 September 2025'))
    """
    if freq.own_kind:
        candidate = Period.containing(period.end, freq)
        return candidate if candidate.end <= period.end else candidate.prev()
    if _finer_or_same(freq, period.freq):
        return period
    candidate = period.within(freq)
    return candidate if candidate.end <= period.end else candidate.prev()


def _finer_or_same(freq: Freq, than: Freq) -> bool:
    if freq.own_kind or than.own_kind:  # a published kind of its own is never aggregated
        return freq is than
    order = [Freq.YEAR, Freq.QUARTER, Freq.MONTH]
    return order.index(freq) >= order.index(than)


def _count(first: Period, last: Period, freq: Freq) -> int:
    """How many periods of ``freq`` run from the start of ``first`` to the end of ``last``."""
    return len(Period.containing(first.start, freq).range_to(Period.containing(last.end, freq)))


def _window(obs: pd.DataFrame, catalogue: Catalogue, first: Period, last: Period) -> pd.DataFrame:
    """Rows of each indicator's own frequency between the start of first and end of last."""
    freq = {code: ind.freq.value for code, ind in catalogue.items()}
    starts = pd.to_datetime(obs["period_start"])
    keep = obs["indicator"].map(freq).eq(obs["period_type"]) & (starts >= pd.Timestamp(first.start)) & (
        starts <= pd.Timestamp(last.end)
    )
    return obs[keep]


def _combine(rows: pd.DataFrame, catalogue: Catalogue, target: Period | pd.Series, expected: pd.Series) -> pd.DataFrame:
    """Aggregate ``rows`` to ``target`` (one period, or one per row for several at once)."""
    if rows.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    rows = rows.assign(_target=target.to_numpy() if isinstance(target, pd.Series) else [target] * len(rows))
    rows = rows.sort_values("period_start")
    if "withheld_low" not in rows:
        rows = rows.assign(withheld_low=np.nan, withheld_high=np.nan)
    if "quality" not in rows:
        rows = rows.assign(quality=None)
    rows = rows.assign(**{c: None for c in _PUBLISHED if c not in rows})
    live = rows["status"].isin(_LIVE)
    work = rows.assign(
        live_value=rows["value"].where(live),
        live_num=rows["numerator"].where(live),
        live_den=rows["denominator"].where(live),
        no_counts=live & (rows["numerator"].isna() | rows["denominator"].isna()),
        suppressed=rows["status"].eq("suppressed"),
        provisional=rows["status"].eq("provisional"),
        is_live=live,
        provisional_reason=rows["status_reason"].where(rows["status"].eq("provisional")),
        disagrees=rows["quality"].eq(COUNTS_DISAGREE),
    )
    g = work.groupby(["indicator", "area_code", "_target"], sort=False)
    sums = g[["live_num", "live_den", "live_value"]].sum(min_count=1)  # all missing: missing, not 0
    out = g.agg(
        area_name=("area_name", "last"),
        mean=("live_value", "mean"),
        last_value=("value", "last"),
        last_status=("status", "last"),
        last_reason=("status_reason", "last"),
        last_start=("period_start", "last"),
        last_low=("withheld_low", "last"),
        last_high=("withheld_high", "last"),
        **{f"last_{c}": (c, "last") for c in _PUBLISHED},
        provisional_reason=("provisional_reason", "last"),
        no_counts=("no_counts", "any"),
        disagrees=("disagrees", "any"),
        suppressed=("suppressed", "any"),
        provisional=("provisional", "any"),
        live=("is_live", "sum"),
        found=("status", "size"),
    )
    out[["num", "den", "total"]] = sums.to_numpy()
    out = out.reset_index()
    codes = out["indicator"].unique()  # the indicators aggregated here, not the whole catalogue (of 10,000, perhaps)
    rule = out["indicator"].map({c: catalogue[c].aggregation.value for c in codes})
    mult = out["indicator"].map({c: catalogue[c].unit.multiplier for c in codes}).astype(float)
    rate = (out["num"] / out["den"].where(out["den"] != 0)) * mult
    rate = rate.where(~out["no_counts"])
    value = np.select(
        [rule.eq("rate"), rule.eq("sum"), rule.eq("mean"), rule.eq("latest")],
        [rate, out["total"], out["mean"], out["last_value"]],
        default=np.nan,
    )
    expected_n = out["indicator"].map(expected).astype(int)
    # a period of the indicator's own length needs no aggregation: its stored value stands,
    # except that a rate with counts is recomputed from them (more precise than the rounding
    # it was published with); a published rate without counts is kept, never averaged, and
    # so is one that disagrees with its own (rounded) counts: the publisher's figure stands
    single = (expected_n == 1) & (out["found"] == 1)
    is_latest = rule.eq("latest") | (single & ~(rule.eq("rate") & ~out["no_counts"] & ~out["disagrees"]))
    value = np.where(is_latest, out["last_value"], value)
    status = np.select(
        [
            is_latest & ~out["last_status"].isin(_LIVE),
            ~is_latest & out["suppressed"],
            pd.isna(value),
            is_latest & out["last_status"].eq("provisional"),
            ~is_latest & out["provisional"],
        ],
        [out["last_status"], "suppressed", "missing", "provisional", "provisional"],
        default="ok",
    )
    stands_alone = is_latest | single
    reason = np.select(
        [
            stands_alone,
            out["suppressed"],
            rule.eq("rate") & out["no_counts"],
            pd.isna(value),
            out["found"] < expected_n,
            out["provisional"],
        ],
        [
            out["last_reason"],
            "includes a suppressed period",
            "no numerator and denominator to recompute the rate",
            "no data",
            "incomplete: " + out["found"].astype(str) + " of " + expected_n.astype(str) + " periods",
            "includes provisional figures: " + out["provisional_reason"].fillna("not yet final"),
        ],
        default=None,
    )
    result = pd.DataFrame(
        {
            "indicator": out["indicator"],
            "area_code": out["area_code"],
            "area_name": out["area_name"],
            "period": out["_target"],
            "value": pd.Series(value, dtype=float).where(pd.Series(status).isin(_LIVE).to_numpy()),
            "numerator": out["num"].where(rule.eq("rate")),
            "denominator": out["den"].where(rule.eq("rate")),
            "status": status,
            "status_reason": reason,
            "parts_found": out["found"],
            "parts_expected": expected_n,
            "withheld_low": out["last_low"].where(stands_alone & (status == "suppressed")),
            "withheld_high": out["last_high"].where(stands_alone & (status == "suppressed")),
            "quality": np.where(out["disagrees"], COUNTS_DISAGREE, None),
            **{c: out[f"last_{c}"].where(out["found"].eq(1) & pd.Series(status).isin(_LIVE).to_numpy()) for c in _PUBLISHED},
        }
    )
    return result[RESULT_COLUMNS]


def aggregate(obs: pd.DataFrame, catalogue: Catalogue, period: Period) -> pd.DataFrame:
    """Each indicator's value for ``period``, from observations of its own frequency.

    Indicators coarser than ``period`` are left out (see :func:`reporting_period`).
    """
    return _aggregate_span(obs, catalogue, period, period, period)


def year_to_date(obs: pd.DataFrame, catalogue: Catalogue, period: Period) -> pd.DataFrame:
    """Each indicator's value from the start of the financial year to the end of ``period``.

    Cumulative indicators already hold year-to-date values, so their latest value is used.
    """
    return _aggregate_span(obs, catalogue, period.financial_year, period, period)


def aggregate_periods(obs: pd.DataFrame, catalogue: Catalogue, codes: str | list[str], periods: list[Period]) -> pd.DataFrame:
    """Each of ``codes`` aggregated to each of ``periods`` (all of one length) in one pass."""
    codes = [codes] if isinstance(codes, str) else list(codes)
    own = obs["indicator"].map({c: catalogue[c].freq.value for c in codes})
    rows = obs[own.notna() & own.eq(obs["period_type"])]
    if rows.empty or not periods:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    length = periods[0].freq
    apart = lambda f: f is not length and (f.own_kind or length.own_kind)  # noqa: E731 - kinds of their own: never aggregated
    rows = rows[[not apart(p.freq) for p in rows["period"]]]
    targets = {p: p.within(length) for p in set(rows["period"])}
    mapped = rows["period"].map(targets)
    keep = mapped.isin(set(periods))
    expected = pd.Series({c: 0 if apart(catalogue[c].freq) else len(periods[0].subperiods(catalogue[c].freq)) for c in codes}, dtype=int)
    return _combine(rows[keep], catalogue, mapped[keep], expected)


def _aggregate_span(obs: pd.DataFrame, catalogue: Catalogue, first: Period, last: Period, label: Period) -> pd.DataFrame:
    codes = [c for c, ind in catalogue.items() if _finer_or_same(ind.freq, label.freq)]
    expected = pd.Series({c: _count(first, last, catalogue[c].freq) for c in codes}, dtype=int)
    rows = _window(obs[obs["indicator"].isin(codes)], catalogue, first, last)
    return _combine(rows, catalogue, label, expected)
