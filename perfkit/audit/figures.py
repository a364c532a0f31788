"""The audit's own reading of the store: one indicator's figure for one area and period, by
its own SQL and the aggregation rules restated from README ("Assessments"; "Disclosure control").

- A period of the indicator's own length: the stored value (a rate with counts recomputed
  from them, unless the publisher's counts disagree with its figure).
- A longer period: rates from summed numerators and denominators (never averaged), sums
  added, means averaged, snapshots (and cumulative year-to-date figures) the latest value.
  A suppressed part suppresses the whole; a part without counts leaves a rate without a value.
- In a public paper a count of 1 to threshold - 1, or a rate on such a numerator or
  denominator, is withheld and becomes the range its value lies in (1 to threshold - 1; 1 to
  threshold - 1 cases over the denominator), before anything is added up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from perfkit.config.catalogue import Indicator
from perfkit.periods import Freq, Period

__all__ = ["Figure", "figure", "figures", "latest_released", "own_period", "year_to_date_of"]

_ORDER = [Freq.YEAR, Freq.QUARTER, Freq.MONTH]
_MULTIPLIER = {"%": 100.0, "rate per 1,000": 1e3, "rate per 10,000": 1e4, "rate per 100,000": 1e5}

_SQL = """
WITH marked AS (
    SELECT area_code, period_start, value, numerator, denominator, status, quality,
           status IN ('ok', 'provisional') AS live,
           status IN ('ok', 'provisional') AND $public AND coalesce(($count AND value >= 1 AND value < $threshold)
                                                          OR (numerator >= 1 AND numerator < $threshold)
                                                          OR (denominator >= 1 AND denominator < $threshold), false) AS small
    FROM observations
    WHERE indicator = $code AND period_type = $type AND period_start BETWEEN $first AND $last
)
SELECT area_code,
       count(*) AS found,
       count(*) FILTER (WHERE live) AS live_parts,
       coalesce(bool_or(status = 'suppressed' OR small), false) AS held,
       coalesce(bool_or(status = 'provisional'), false) AS provisional,
       coalesce(bool_or(live AND (numerator IS NULL OR denominator IS NULL)), false) AS no_counts,
       coalesce(bool_or(quality = 'counts_disagree'), false) AS disagrees,
       sum(numerator) FILTER (WHERE live) AS num,
       sum(denominator) FILTER (WHERE live) AS den,
       sum(value) FILTER (WHERE live) AS total,
       avg(value) FILTER (WHERE live) AS mean,
       arg_max({'value': value, 'status': status, 'small': small, 'numerator': numerator, 'denominator': denominator},
               period_start) AS latest
FROM marked
GROUP BY area_code
"""


@dataclass(frozen=True)
class Figure:
    """A figure as the store and the rules give it: value (None where there is none), status
    ('ok', 'provisional', 'suppressed' or 'missing'), and for a withheld one its range."""

    value: float | None
    status: str
    low: float | None = None
    high: float | None = None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def withheld(self) -> bool:
        return self.status == "suppressed"


def own_period(ind: Indicator, period: Period) -> Period:
    """The period an indicator is reported for in a paper for ``period``: ``period`` itself for
    a monthly or quarterly indicator in a quarterly paper; for a coarser one, its latest period
    that has ended by the end of ``period`` (README: "an annual indicator shows its latest
    completed year")."""
    if _ORDER.index(ind.freq) >= _ORDER.index(period.freq):
        return period
    candidate = period.within(ind.freq)
    return candidate if candidate.end <= period.end else candidate.prev()


_MONTHS = {Freq.YEAR: 12, Freq.QUARTER: 3, Freq.MONTH: 1}

# README "Latest available", restated: a row's release is its batch's recorded date moved back by
# as long as its period ends before the batch's latest period (for the area and indicator), else
# its period's end plus the catalogue's lag_months (a month's end stays a month's end).
_RELEASED_SQL = """
WITH r AS (
    SELECT o.period_start, b.released,
           o.period_start + to_months($months) - INTERVAL 1 DAY AS period_end,
           max(o.period_start) OVER (PARTITION BY o.batch_id) + to_months($months) - INTERVAL 1 DAY AS batch_end
    FROM observations o LEFT JOIN batches b ON b.batch_id = o.batch_id
    WHERE o.indicator = $code AND o.area_code = $area AND o.period_type = $type AND o.period_start <= $due
)
SELECT max(period_start) FROM r
WHERE $as_at IS NULL OR coalesce(released - date_diff('day', period_end::DATE, batch_end::DATE)::INTEGER,
               last_day((period_end + to_months($lag))::DATE)) <= $as_at
"""


def latest_released(con: duckdb.DuckDBPyConnection, ind: Indicator, area: str, period: Period, as_at: dt.date | None) -> Period:
    """The period a paper for ``period`` whose meeting is ``as_at`` shows a published indicator
    (one with a ``publisher``) for: its latest period, not after :func:`own_period`, whose
    figure for ``area`` was released by ``as_at`` (None: a meeting not yet known, the latest
    stored); :func:`own_period` where none was."""
    due = own_period(ind, period)
    if not ind.publisher or ind.freq is not due.freq:
        return due
    start = con.execute(_RELEASED_SQL, {"code": ind.code, "area": area, "type": ind.freq.value, "due": due.start,
                                        "months": _MONTHS[ind.freq], "lag": ind.lag_months or 0, "as_at": as_at}).fetchall()[0][0]
    return Period.containing(start, ind.freq) if start is not None else due


def year_to_date_of(ind: Indicator, period: Period) -> Period | None:
    """The financial year whose year to date a paper for ``period`` shows beside the figure, or
    None: not for annual indicators nor in a year's first period."""
    if ind.freq is Freq.YEAR or period.freq is Freq.YEAR or period == period.financial_year.subperiods(period.freq)[0]:
        return None
    return period.financial_year


def figure(con: duckdb.DuckDBPyConnection, ind: Indicator, area: str, first: Period, last: Period | None = None,
           public: bool = False, threshold: int = 5) -> Figure:
    """``ind``'s figure for ``area`` over ``first`` to ``last`` (default: ``first`` alone)."""
    return figures(con, ind, first, last, public, threshold).get(area, Figure(None, "missing"))


def figures(con: duckdb.DuckDBPyConnection, ind: Indicator, first: Period, last: Period | None = None,
            public: bool = False, threshold: int = 5) -> dict[str, Figure]:
    """``ind``'s figure over ``first`` to ``last`` for every area the store has rows of, by area
    (one query for a whole comparator group)."""
    last = last or first
    start, end = first.start, last.end
    found_rows = con.execute(_SQL, {"code": ind.code, "type": ind.freq.value, "first": start, "last": end,
                                    "public": public, "count": ind.unit.value == "count", "threshold": threshold}).fetchall()
    return {row[0]: _figure(ind, row[1:], _parts(ind.freq, start, end), threshold) for row in found_rows}


def _figure(ind: Indicator, row: tuple, expected: int, threshold: int) -> Figure:
    (found, live_parts, held, provisional, no_counts, disagrees, num, den, total, mean, latest) = row
    if not found:
        return Figure(None, "missing")
    last_value, last_status, last_small, last_num, last_den = (latest[k] for k in ("value", "status", "small", "numerator", "denominator"))
    rule = ind.aggregation.value
    mult = _MULTIPLIER.get(ind.unit.value, 1.0)
    counted = rule == "rate" and not no_counts and not disagrees
    if rule == "latest" or (expected == 1 and found == 1 and (not counted or last_small)):
        if last_small:
            low, high = _range(ind, last_num, last_den, last_value, threshold, mult)
            return Figure(None, "suppressed", low, high)
        if last_status not in ("ok", "provisional"):
            return Figure(None, last_status)
        return Figure(last_value, last_status)
    if held:
        return Figure(None, "suppressed")
    if not live_parts:
        return Figure(None, "missing")
    if rule == "rate":
        value = None if no_counts or not den else num / den * mult
    else:
        value = total if rule == "sum" else mean
    if value is None:
        return Figure(None, "missing")
    return Figure(value, "provisional" if provisional else "ok", numerator=num if rule == "rate" else None,
                  denominator=den if rule == "rate" else None)


def _parts(freq: Freq, start: dt.date, end: dt.date) -> int:
    """How many periods of ``freq`` run from ``start`` to ``end``."""
    first, last = Period.containing(start, freq), Period.containing(end, freq)
    return len(first.range_to(last))


def _range(ind: Indicator, num: float | None, den: float | None, value: float | None, threshold: int, mult: float) -> tuple[float | None, float | None]:
    """The range a withheld figure lies in: 1 to threshold - 1 for a count, that many cases over
    the denominator for a rate on a small numerator; none where the denominator is small."""
    if ind.unit.value == "count" and value is not None and 1 <= value < threshold:
        return 1.0, threshold - 1.0
    if num is not None and 1 <= num < threshold and den is not None and den >= threshold:
        return mult / den, (threshold - 1) * mult / den
    return None, None
